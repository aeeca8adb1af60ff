/**
 * Step (h): the ingress endpoint — a second VIP, and per port (80, 443) a pool of the worker nodes' IPs on Envoy's
 * node port and an L4 virtual service on the VIP, named as the VCD CPI names its per-port objects.
 */
import { envoyNodePorts } from '../../addons/contour.ts';
import { nodeAddresses } from '../../kube/client.ts';
import { ingressPorts } from '../names.ts';
import { DONE, PhaseFailure, type ClusterScope, type PhaseOutcome } from '../scope.ts';
import { withKubeClient } from './contour.ts';
import { ensureLoadBalancer } from './load-balancer.ts';
import { reserveVip } from './vip.ts';

export async function ingressEndpoint(scope: ClusterScope): Promise<PhaseOutcome> {
  if (!scope.spec.ingress.contour.enabled) return DONE;
  const [nodePorts, workers] = await withKubeClient(
    scope,
    async (kube) =>
      [await envoyNodePorts(kube), (await nodeAddresses(kube, true)).map((node) => node.ip)] as const,
  );
  if (workers.length === 0)
    throw new PhaseFailure('NoWorkerNodes', 'The cluster has no worker node to carry ingress traffic.');
  const vip = await reserveVip(scope, scope.names.ingressClaim, 'ingress-endpoint');
  // The two ports' pools and virtual services do not depend on each other.
  await Promise.all(
    ingressPorts.map((port) =>
      ensureLoadBalancer(scope, {
        poolName: scope.names.ingressPool(port.name),
        virtualServiceName: scope.names.ingressVirtualService(port.name),
        vip,
        port: port.port,
        memberPort: nodePorts[port.name],
        members: workers,
        purpose: 'ingress-endpoint',
      }),
    ),
  );
  scope.status.endpoints = {
    ...scope.status.endpoints,
    ingress: { host: vip, ports: ingressPorts.map((port) => port.port) },
  };
  return DONE;
}
