/**
 * The phases the ephemeral bootstrap VM reports, in order, and how long each may take. The worker times a phase from
 * the previous report (the first from power-on); the VM's helper enforces the same limit on its own commands. The
 * list also travels in the bootstrap settings file, so the simulator's emulated bootstrap reads it from there.
 */

export const bootstrapPhases = [
  { name: 'vm-started', timeoutSeconds: 600, description: 'The VM booted and cloud-init reached runcmd.' },
  {
    name: 'tools-installed',
    timeoutSeconds: 600,
    description: 'Docker is present; kind, clusterctl and kubectl are installed.',
  },
  { name: 'kind-ready', timeoutSeconds: 600, description: 'The local KinD management cluster is up.' },
  {
    name: 'capi-initialised',
    timeoutSeconds: 900,
    description:
      'clusterctl init installed cert-manager, Cluster API, kubeadm and the VCD provider (CAPVCD).',
  },
  {
    name: 'cluster-applied',
    timeoutSeconds: 300,
    description: 'The Cluster API manifest is applied to the KinD cluster.',
  },
  {
    name: 'control-plane-ready',
    timeoutSeconds: 1800,
    description: "The first control-plane node answers on the cluster's endpoint (ControlPlaneInitialized).",
  },
  {
    name: 'kubeconfig-ready',
    timeoutSeconds: 300,
    description: "The workload cluster's admin kubeconfig; sent with this report.",
  },
  {
    name: 'addons-applied',
    timeoutSeconds: 600,
    description: 'The CNI, CPI and CSI are applied and rolled out (Antrea agent, CPI, CSI controller).',
  },
  {
    name: 'nodes-ready',
    timeoutSeconds: 1800,
    description: 'The Cluster is Ready and every MachineDeployment is Available.',
  },
  {
    name: 'pivoted',
    timeoutSeconds: 1200,
    description: 'Cluster API runs in the workload cluster and clusterctl move handed the objects over.',
  },
  { name: 'done', timeoutSeconds: 300, description: 'The bootstrap finished; the VM can be deleted.' },
] as const satisfies ReadonlyArray<{ name: string; timeoutSeconds: number; description: string }>;

export type BootstrapPhaseName = (typeof bootstrapPhases)[number]['name'];

export const bootstrapPhaseNames: readonly BootstrapPhaseName[] = bootstrapPhases.map((phase) => phase.name);

/** `POST <vcd>/api/cse/v1/clusters/{id}/bootstrap` body. */
export interface BootstrapReport {
  phase: BootstrapPhaseName;
  status: 'succeeded' | 'failed';
  /** Why a phase failed (the tail of the command's output), or empty. */
  message?: string;
  /** Only with `kubeconfig-ready`: the workload cluster's admin kubeconfig. */
  kubeconfig?: string;
}

/** Header carrying the one-time per-cluster secret from the cloud-init. */
export const BOOTSTRAP_SECRET_HEADER = 'X-CSE-Bootstrap-Secret';

export function isBootstrapPhase(name: unknown): name is BootstrapPhaseName {
  return typeof name === 'string' && (bootstrapPhaseNames as readonly string[]).includes(name);
}

/** The phase expected after `phase`, or undefined after `done`. */
export function nextBootstrapPhase(phase: BootstrapPhaseName): BootstrapPhaseName | undefined {
  return bootstrapPhaseNames[bootstrapPhaseNames.indexOf(phase) + 1];
}
