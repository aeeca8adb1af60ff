import type { KubeObject } from './objects.ts';
import { objectAt } from './objects.ts';

export interface Taint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

interface Toleration {
  key?: string;
  operator?: 'Exists' | 'Equal';
  value?: string;
  effect?: string;
}

function tolerates(tolerations: Toleration[], taint: Taint): boolean {
  return tolerations.some((toleration) => {
    if (toleration.effect && toleration.effect !== taint.effect) return false;
    if (toleration.operator === 'Exists') return !toleration.key || toleration.key === taint.key;
    return toleration.key === taint.key && (toleration.value ?? '') === (taint.value ?? '');
  });
}

const isReady = (node: KubeObject): boolean =>
  ((objectAt(node, 'status')['conditions'] ?? []) as { type: string; status: string }[]).some(
    (condition) => condition.type === 'Ready' && condition.status === 'True',
  );

/**
 * The taint the node lifecycle controller puts on a node that is not Ready (`TaintNodesByCondition`,
 * kubernetes `pkg/controller/nodelifecycle`): pods that tolerate it (a CNI's agent DaemonSet tolerates
 * everything) still land there, which is how a CNI starts on nodes that wait for it.
 */
export const notReadyTaint: Taint = { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' };

/**
 * Whether a pod with this spec may run on the node, as the scheduler (and the DaemonSet
 * controller) decide it: the node is schedulable, its NoSchedule/NoExecute taints (with
 * `not-ready` while it is not Ready) are tolerated, and its labels match the pod's `nodeSelector`.
 */
export function fitsNode(podSpec: Record<string, unknown>, node: KubeObject): boolean {
  if (objectAt(node, 'spec')['unschedulable'] === true) return false;
  const taints = [
    ...((objectAt(node, 'spec')['taints'] ?? []) as unknown as Taint[]),
    ...(isReady(node) ? [] : [notReadyTaint]),
  ];
  const tolerations = (podSpec['tolerations'] ?? []) as Toleration[];
  if (taints.some((taint) => taint.effect !== 'PreferNoSchedule' && !tolerates(tolerations, taint)))
    return false;
  const labels = node.metadata.labels ?? {};
  const selector = (podSpec['nodeSelector'] ?? {}) as Record<string, string>;
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}
