/**
 * Deterministic names of everything created for a cluster. Each carries the cluster's UUID, so the delete sweep
 * finds objects an interrupted attempt created but did not record; the control-plane load balancer follows
 * CAPVCD's naming so that CAPVCD adopts it, the ingress objects CPI's.
 */
import { controlPlaneLoadBalancerName } from '../bootstrap/capi-yaml.ts';
import { CLUSTER_ENTITY_ID_PREFIX } from '../../behaviours/index.ts';

/** `urn:vcloud:entity:cseoss:k8scluster:<uuid>` → `<uuid>`. */
export function clusterUuid(clusterId: string): string {
  return clusterId.startsWith(CLUSTER_ENTITY_ID_PREFIX)
    ? clusterId.slice(CLUSTER_ENTITY_ID_PREFIX.length)
    : clusterId.replace(/^.*:/, '');
}

export const ingressPorts = [
  { name: 'http', port: 80, targetPort: 8080 },
  { name: 'https', port: 443, targetPort: 8443 },
] as const;

export type IngressPortName = (typeof ingressPorts)[number]['name'];

export function clusterNames(clusterName: string, clusterId: string) {
  const uuid = clusterUuid(clusterId);
  return {
    uuid,
    /** Pool and virtual service of the Kubernetes API on 6443 (CAPVCD's `<name>-<rdeId>-tcp`). */
    controlPlaneLoadBalancer: controlPlaneLoadBalancerName(clusterName, clusterId),
    /** IP-space allocation description of the control-plane VIP (CAPVCD's claim marker). */
    controlPlaneClaim: `cluster-${clusterName}-id-${clusterId}`,
    /** Ingress VIP claim marker (CPI's, for the `envoy` Service in `projectcontour`). */
    ingressClaim: `cluster-${uuid}-namespace-projectcontour-service-envoy`,
    ingressVirtualService: (port: IngressPortName) => `ingress-vs-envoy-${uuid}-${port}`,
    ingressPool: (port: IngressPortName) => `ingress-pool-envoy-${uuid}-${port}`,
    /** The ephemeral bootstrap VM's vApp and VM. */
    bootstrapVApp: `cse-bootstrap-${uuid}`,
    bootstrapVm: 'cse-bootstrap',
    /** The vApp CAPVCD creates for the workload cluster's nodes (named after the cluster). */
    workloadVApp: clusterName,
  };
}

export type ClusterNames = ReturnType<typeof clusterNames>;
