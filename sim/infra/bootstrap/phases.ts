/**
 * The bootstrap phases as `docs/cluster-spec.md` §4 lists them (a wire contract with the worker;
 * the simulator never imports `backend/`). The VM runs the phases its settings file lists, in that
 * order; these are the ones the emulation gives a meaning to and a default duration.
 */
export const knownPhases = [
  'vm-started',
  'tools-installed',
  'kind-ready',
  'capi-initialised',
  'cluster-applied',
  'control-plane-ready',
  'kubeconfig-ready',
  'addons-applied',
  'nodes-ready',
  'pivoted',
  'done',
] as const;

export type KnownPhase = (typeof knownPhases)[number];

/**
 * Simulated duration of each phase in ms at speed 1 (guessed from a KinD/clusterctl run on a small
 * VM). `control-plane-ready` and `nodes-ready` include CAPVCD creating and booting the VMs.
 */
export const defaultPhaseDurations: Readonly<Record<KnownPhase, number>> = {
  'vm-started': 5_000,
  'tools-installed': 30_000,
  'kind-ready': 45_000,
  'capi-initialised': 60_000,
  'cluster-applied': 3_000,
  'control-plane-ready': 120_000,
  'kubeconfig-ready': 2_000,
  'addons-applied': 15_000,
  'nodes-ready': 90_000,
  pivoted: 60_000,
  done: 1_000,
};

/** Used for a phase the settings name but the emulation does not know (it just takes time). */
export const unknownPhaseDuration = 5_000;

/** The latency class (and fault target) of a phase: `bootstrap:<phase>`. */
export function phaseClass(phase: string): string {
  return `bootstrap:${phase}`;
}

export function isKnownPhase(phase: string): phase is KnownPhase {
  return (knownPhases as readonly string[]).includes(phase);
}

/** The command a phase runs on the real VM, quoted in failure messages as the helper would show it. */
export const phaseCommands: Readonly<Record<KnownPhase, string>> = {
  'vm-started': 'cloud-init runcmd',
  'tools-installed': 'curl -fsSL -o /usr/local/bin/kind',
  'kind-ready': 'kind create cluster --name cse-bootstrap',
  'capi-initialised': 'clusterctl init --infrastructure vcd',
  'cluster-applied': 'kubectl apply -f /opt/cse/cluster.yaml',
  'control-plane-ready': 'kubectl wait --for=condition=ControlPlaneInitialized',
  'kubeconfig-ready': 'clusterctl get kubeconfig',
  'addons-applied': 'kubectl --kubeconfig /opt/cse/workload.kubeconfig apply -f',
  'nodes-ready': 'kubectl wait --for=condition=Ready',
  pivoted: 'clusterctl move --to-kubeconfig /opt/cse/workload.kubeconfig',
  done: 'cse-bootstrap report done',
};
