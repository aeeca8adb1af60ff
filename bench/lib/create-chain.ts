/**
 * The critical path of a cluster create: the latency-bearing simulator operations a create waits on one after the
 * other, from `POST /api/cse/v1/clusters` to phase Ready. Which operations are on it is a model of the worker's
 * create steps (backend/clusters/phases.ts) and of the simulator (sim/infra, sim/api); how long each one takes is
 * read from the simulator's `/sim/latency` in the same run, never assumed here.
 */
import { bootstrapPhaseNames } from '../../backend/bootstrap/phases.ts';

export interface LatencySettings {
  speed: number;
  /** Duration of each operation class in ms at speed 1. */
  durations: Record<string, number>;
}

/** One stretch of the create. Its time is the longest of its parallel paths, each a sequence of latency classes. */
export interface ChainSegment {
  key: string;
  label: string;
  paths: string[][];
}

/** An allocation, then a pool and an L4 virtual service realised one after the other (pool first: the VS names it). */
const vipAndLoadBalancer = ['task', 'ipAllocation', 'task', 'albRealization', 'task', 'albRealization'];

export const createChain: readonly ChainSegment[] = [
  // The API answers once VCD's entity-create task (which runs the PostCreate hook) has finished.
  { key: 'create-request', label: 'POST → 202 (RDE create task)', paths: [['task']] },
  // Worker-side pick-up: nothing simulated.
  { key: 'pick-up', label: 'reconciler picks the cluster up', paths: [[]] },
  {
    key: 'control-plane-endpoint',
    label: 'control-plane VIP, pool, virtual service',
    paths: [vipAndLoadBalancer],
  },
  // Instantiating with powerOn: the task, then the VM's power-on inside it.
  { key: 'bootstrap-vm', label: 'bootstrap vApp instantiate + power on', paths: [['task', 'vmBoot']] },
  // The guest then customises (cloud-init) before the bootstrap starts: nobody waits on a task, but the chain does.
  { key: 'guest-customization', label: 'bootstrap VM guest customisation', paths: [['guestCustomization']] },
  ...bootstrapPhaseNames.map((phase) => ({
    key: `bootstrap:${phase}`,
    label: `bootstrap phase ${phase} (+ its report)`,
    paths: [[`bootstrap:${phase}`]],
  })),
  { key: 'bootstrap-noticed', label: 'worker acts on the done report', paths: [[]] },
  // Contour's objects are applied together: the certgen Job's pod starts and runs; contour and envoy pods start.
  {
    key: 'contour',
    label: 'Contour applied and rolled out',
    paths: [['kubePodStartup', 'kubeJobRun'], ['kubePodStartup']],
  },
  // A second VIP, then per port (80 and 443, in parallel) a pool and a virtual service.
  { key: 'ingress-endpoint', label: 'ingress VIP, pools, virtual services', paths: [vipAndLoadBalancer] },
  // Undeploy (power off) task, then delete task.
  { key: 'remove-bootstrap-vm', label: 'bootstrap vApp undeploy + delete', paths: [['task', 'task']] },
  { key: 'ready', label: 'node pools read, status Ready written', paths: [[]] },
  { key: 'seen', label: 'Ready seen through GET', paths: [[]] },
];

export interface PricedSegment {
  key: string;
  label: string;
  /** Real ms at the simulator's speed. */
  ms: number;
  /** The path that sets it, e.g. `task + vmBoot`. */
  classes: string;
}

export interface CriticalPath {
  speed: number;
  segments: PricedSegment[];
  totalMs: number;
}

/** Every latency class the chain needs, so a caller can check the simulator defines them all. */
export function chainClasses(): string[] {
  return [...new Set(createChain.flatMap((segment) => segment.paths.flat()))].sort();
}

/** Prices the chain with the simulator's configured durations (divided by its speed, as the simulator waits). */
export function criticalPath(latency: LatencySettings): CriticalPath {
  const missing = chainClasses().filter((name) => latency.durations[name] === undefined);
  if (missing.length > 0)
    throw new Error(`the simulator does not define the latency classes ${missing.join(', ')}`);
  const segments = createChain.map((segment) => {
    const priced = segment.paths.map((path) => ({
      ms: path.reduce((sum, name) => sum + latency.durations[name]! / latency.speed, 0),
      classes: path.join(' + ') || '—',
    }));
    const longest = priced.reduce((a, b) => (b.ms > a.ms ? b : a));
    return { key: segment.key, label: segment.label, ms: longest.ms, classes: longest.classes };
  });
  return {
    speed: latency.speed,
    segments,
    totalMs: segments.reduce((sum, segment) => sum + segment.ms, 0),
  };
}
