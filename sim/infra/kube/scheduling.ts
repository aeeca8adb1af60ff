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
 * Whether a pod with this spec may run on the node, as the scheduler (and the DaemonSet
 * controller) decide it: the node is Ready and schedulable, its NoSchedule/NoExecute taints are
 * tolerated, and its labels match the pod's `nodeSelector`.
 */
export function fitsNode(podSpec: Record<string, unknown>, node: KubeObject): boolean {
  if (!isReady(node) || objectAt(node, 'spec')['unschedulable'] === true) return false;
  const taints = (objectAt(node, 'spec')['taints'] ?? []) as unknown as Taint[];
  const tolerations = (podSpec['tolerations'] ?? []) as Toleration[];
  if (taints.some((taint) => taint.effect !== 'PreferNoSchedule' && !tolerates(tolerations, taint)))
    return false;
  const labels = node.metadata.labels ?? {};
  const selector = (podSpec['nodeSelector'] ?? {}) as Record<string, string>;
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}
