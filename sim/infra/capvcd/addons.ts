import type { ClusterObjects } from '../kube/cluster-objects.ts';
import { UNINITIALIZED_TAINT } from '../kube/node-agents.ts';
import type { KubeObject } from '../kube/objects.ts';
import { objectAt } from '../kube/objects.ts';
import { CapvcdError } from './machines.ts';
import type { ManifestObject } from './manifest.ts';

/**
 * What `kubectl apply -f` of the add-on manifests does to the workload cluster (objects created or replaced,
 * namespaces first; a kind the API server does not serve is kubectl's `no matches for kind` error), and what the
 * bootstrap's waits read back: a workload's rollout (`kubectl rollout status`) and the nodes' readiness.
 */
export function applyObjects(objects: ClusterObjects, manifest: readonly ManifestObject[]): void {
  const ordered = [...manifest].sort(
    (a, b) => Number(b.kind === 'Namespace') - Number(a.kind === 'Namespace'),
  );
  for (const object of ordered) {
    const type = objects.resources.byKind(object.apiVersion, object.kind);
    if (!type)
      throw new CapvcdError(
        `error: resource mapping not found for name: "${object.metadata.name}": no matches for kind "${object.kind}" in version "${object.apiVersion}"`,
      );
    const namespace = type.namespaced ? (object.metadata.namespace ?? 'default') : '';
    const body = structuredClone(object) as unknown as KubeObject;
    const existing = objects.find(type, namespace, object.metadata.name);
    if (existing) {
      // Immutable ConfigMaps and Secrets are left as they are, as a re-apply of the same content would.
      if ((existing as Record<string, unknown>)['immutable'] === true) continue;
      objects.update(type, namespace, object.metadata.name, {
        ...body,
        metadata: { ...body.metadata, resourceVersion: existing.metadata.resourceVersion },
      });
    } else objects.create(type, namespace, body, { fieldManager: 'kubectl-client-side-apply' });
  }
}

export type RolloutState = 'missing' | 'progressing' | 'ready';

/** `kubectl rollout status` of a DaemonSet or Deployment: done when every wanted pod is updated and ready. */
export function rolloutState(
  objects: ClusterObjects,
  kind: string,
  namespace: string,
  name: string,
): RolloutState {
  const isDaemonSet = kind.toLowerCase() === 'daemonset';
  const type = objects.typeOf('apps/v1', isDaemonSet ? 'DaemonSet' : 'Deployment');
  const object = objects.find(type, namespace, name);
  if (!object) return 'missing';
  const status = objectAt(object, 'status');
  if (isDaemonSet) {
    const desired = Number(status['desiredNumberScheduled'] ?? -1);
    return desired > 0 && Number(status['numberReady'] ?? 0) >= desired ? 'ready' : 'progressing';
  }
  const replicas = Number(objectAt(object, 'spec')['replicas'] ?? 1);
  return Number(status['availableReplicas'] ?? 0) >= replicas ? 'ready' : 'progressing';
}

/**
 * Why the cluster is not Ready yet, one line per node: NotReady (the kubelet's reason) or not initialised by the
 * cloud provider (Cluster API then cannot match the Machine's providerID to a Node: `machine_controller_noderef.go`).
 * Empty when every node is Ready and initialised.
 */
export function nodeProblems(objects: ClusterObjects, expected: readonly string[]): string[] {
  const problems: string[] = [];
  const nodes = objects.typeOf('v1', 'Node');
  for (const name of expected) {
    const node = objects.find(nodes, '', name);
    if (!node) {
      problems.push(`node ${name} has not registered`);
      continue;
    }
    const ready = ((objectAt(node, 'status')['conditions'] ?? []) as Array<Record<string, string>>).find(
      (condition) => condition['type'] === 'Ready',
    );
    if (ready?.['status'] !== 'True')
      problems.push(
        `node ${name} is NotReady (${ready?.['reason'] ?? 'Unknown'}: ${ready?.['message'] ?? ''})`,
      );
    const spec = objectAt(node, 'spec');
    const taints = (spec['taints'] ?? []) as Array<{ key: string }>;
    if (taints.some((taint) => taint.key === UNINITIALIZED_TAINT.key) || !spec['providerID'])
      problems.push(
        `node ${name} has no providerID and keeps the taint ${UNINITIALIZED_TAINT.key} (no cloud provider initialised it)`,
      );
  }
  return problems;
}
