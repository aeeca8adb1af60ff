/**
 * Step (j): the cluster is Ready — node pools and each node as the Kubernetes API sees them, endpoints and versions
 * in status.
 */
import { nodeAddresses } from '../../kube/client.ts';
import { nodeStatuses } from '../node-status.ts';
import { DONE, type ClusterScope, type PhaseOutcome } from '../scope.ts';
import { withKubeClient } from './contour.ts';

export async function markReady(scope: ClusterScope): Promise<PhaseOutcome> {
  const nodes = await withKubeClient(scope, (kube) => nodeAddresses(kube, false));
  const readyControlPlane = nodes.filter((node) => node.controlPlane && node.ready).length;
  const readyWorkers = nodes.filter((node) => !node.controlPlane && node.ready).length;
  // Nodes do not say which pool they belong to in every distribution; spread the ready count in pool order.
  let left = readyWorkers;
  scope.status.nodePools = [
    {
      name: 'control-plane',
      desired: scope.spec.controlPlane.count,
      ready: Math.min(readyControlPlane, scope.spec.controlPlane.count),
    },
    ...scope.spec.workerPools.map((pool) => {
      const ready = Math.min(pool.count, left);
      left -= ready;
      return { name: pool.name, desired: pool.count, ready };
    }),
  ];
  scope.status.nodes = nodeStatuses(
    nodes,
    scope.spec.name,
    scope.spec.workerPools.map((pool) => pool.name),
  );
  return DONE;
}
