/**
 * Where a create's wall time went, segment by segment of the critical path (`create-chain.ts`), from the marks the
 * run leaves: the POST's send and answer, the worker's status (event `ProvisioningStarted`, each step's condition
 * turning True, event `ClusterReady`), the bootstrap VM's start and phase reports as the simulator recorded them,
 * and the GET that first showed Ready. Each segment is measured from the previous mark that exists.
 */
import { createChain } from './create-chain.ts';
import type { ClusterRun } from './create-run.ts';

/** Real ms per chain segment; `undefined` when its mark was not observed (its time lands in the next segment). */
export type Timeline = Map<string, number | undefined>;

/** The condition a create step sets True when it is done (backend/clusters/phases.ts). */
const stepConditions: Record<string, string> = {
  'control-plane-endpoint': 'ControlPlaneEndpointReady',
  'bootstrap-vm': 'BootstrapVmCreated',
  'bootstrap-noticed': 'ControlPlaneReady',
  contour: 'ContourReady',
  'ingress-endpoint': 'IngressReady',
  'remove-bootstrap-vm': 'BootstrapVmRemoved',
};

function at(iso: string | undefined): number | undefined {
  const time = iso ? Date.parse(iso) : NaN;
  return Number.isFinite(time) ? time : undefined;
}

/** The epoch ms at which each segment of the chain ended for this cluster. */
function marks(run: ClusterRun): Map<string, number | undefined> {
  const status = run.status ?? {};
  const event = (reason: string) => at(status.events?.find((candidate) => candidate.reason === reason)?.time);
  const condition = (type: string) =>
    at(
      status.conditions?.find((candidate) => candidate.type === type && candidate.status === 'True')
        ?.lastTransitionTime,
    );
  const report = (phase: string) =>
    at(run.bootstrap?.reports.find((candidate) => candidate.phase === phase)?.at);
  return new Map(
    createChain.map((segment) => {
      const key = segment.key;
      if (key === 'create-request') return [key, run.acceptedAt];
      if (key === 'pick-up') return [key, event('ProvisioningStarted')];
      if (key === 'guest-customization') return [key, at(run.bootstrap?.startedAt)];
      if (key.startsWith('bootstrap:')) return [key, report(key.slice('bootstrap:'.length))];
      if (key === 'ready') return [key, event('ClusterReady')];
      if (key === 'seen') return [key, run.seenReadyAt];
      return [key, condition(stepConditions[key]!)];
    }),
  );
}

export function timeline(run: ClusterRun): Timeline {
  const result: Timeline = new Map();
  let previous = run.postAt;
  for (const [key, mark] of marks(run)) {
    if (mark === undefined) {
      result.set(key, undefined);
      continue;
    }
    result.set(key, mark - previous);
    previous = mark;
  }
  return result;
}

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
