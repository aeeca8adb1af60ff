/**
 * The per-node view of a workload cluster kept in `status.nodes`: role, pool, address, readiness, kubelet version
 * and the VCD VM, from what the Kubernetes API says of each node. Cluster API names a worker node after its
 * MachineDeployment (`<cluster>-<pool>-<hash>-<suffix>`), which is how a node's pool is known.
 */
import { capiObjectNames } from '../bootstrap/capi-yaml.ts';
import type { NodeSummary } from '../kube/client.ts';
import type { ClusterNodeStatus } from './spec.ts';

const CONTROL_PLANE = 'control-plane';
const VCD_PROVIDER_PREFIX = 'vmware-cloud-director://';
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `vmware-cloud-director://<uuid>` (what CAPVCD and the cloud provider set) → `urn:vcloud:vm:<uuid>`. */
export function vmIdOfProvider(providerId: string): string | null {
  if (!providerId.startsWith(VCD_PROVIDER_PREFIX)) return null;
  const uuid = providerId.slice(VCD_PROVIDER_PREFIX.length);
  return uuidPattern.test(uuid) ? `urn:vcloud:vm:${uuid.toLowerCase()}` : null;
}

/** The worker pool a node belongs to: the longest MachineDeployment name its name starts with. */
export function poolOfNode(
  nodeName: string,
  clusterName: string,
  poolNames: readonly string[],
): string | null {
  const deployments = capiObjectNames(clusterName, poolNames).pools;
  let best: { pool: string; length: number } | null = null;
  for (const pool of poolNames) {
    const prefix = `${deployments[pool]}-`;
    if (nodeName.startsWith(prefix) && (!best || prefix.length > best.length))
      best = { pool, length: prefix.length };
  }
  return best?.pool ?? null;
}

/** The nodes in the order people read them: control plane first, then pool by pool, each by name. */
export function nodeStatuses(
  nodes: readonly NodeSummary[],
  clusterName: string,
  poolNames: readonly string[],
): ClusterNodeStatus[] {
  const order = (pool: string | null) =>
    pool === CONTROL_PLANE ? -1 : pool === null ? poolNames.length : poolNames.indexOf(pool);
  return nodes
    .map((node): ClusterNodeStatus => ({
      name: node.name,
      role: node.controlPlane ? 'control-plane' : 'worker',
      pool: node.controlPlane ? CONTROL_PLANE : poolOfNode(node.name, clusterName, poolNames),
      ip: node.ip,
      ready: node.ready,
      kubernetesVersion: node.kubeletVersion || null,
      vmId: vmIdOfProvider(node.providerId),
    }))
    .sort((a, b) => order(a.pool) - order(b.pool) || a.name.localeCompare(b.name));
}
