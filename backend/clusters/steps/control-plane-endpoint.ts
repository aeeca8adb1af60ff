/** Step (a): the Kubernetes API's VIP, and its pool and L4 virtual service on 6443 named as CAPVCD names them. */
import { DONE, type ClusterScope, type PhaseOutcome } from '../scope.ts';
import { ensureLoadBalancer } from './load-balancer.ts';
import { reserveVip } from './vip.ts';

export const CONTROL_PLANE_PORT = 6443;

export async function controlPlaneEndpoint(scope: ClusterScope): Promise<PhaseOutcome> {
  const vip = await reserveVip(scope, scope.names.controlPlaneClaim, 'control-plane-endpoint');
  await ensureLoadBalancer(scope, {
    poolName: scope.names.controlPlaneLoadBalancer,
    virtualServiceName: scope.names.controlPlaneLoadBalancer,
    vip,
    port: CONTROL_PLANE_PORT,
    purpose: 'control-plane-endpoint',
  });
  scope.status.endpoints = {
    ...scope.status.endpoints,
    controlPlane: { host: vip, port: CONTROL_PLANE_PORT },
  };
  return DONE;
}
