/**
 * Learns where the cluster lives: its VDC, network and the network's edge gateway. Runs first in every pass; it
 * creates nothing.
 */
import { getEdgeGateway } from '../../vcd/gateways.ts';
import { vdcNetworks } from '../../vcd/networks.ts';
import { findVdcByName } from '../../vcd/vdcs.ts';
import { DONE, PhaseFailure, type ClusterScope, type PhaseOutcome } from '../scope.ts';

export async function resolvePlacement(scope: ClusterScope): Promise<PhaseOutcome> {
  if (scope.gateway) return DONE;
  const vdc = await findVdcByName(scope.tenant, scope.spec.orgVdc);
  if (!vdc) {
    throw new PhaseFailure(
      'VdcNotFound',
      `Organisation VDC "${scope.spec.orgVdc}" no longer exists or is not visible.`,
    );
  }
  const network = (await vdcNetworks(scope.tenant, vdc.id)).find(
    (candidate) => candidate.name === scope.spec.network,
  );
  if (!network?.connection?.routerRef?.id) {
    throw new PhaseFailure(
      'NetworkNotRouted',
      `Network "${scope.spec.network}" is not a routed network of VDC "${vdc.name}".`,
      'Choose a routed network whose edge gateway has the load balancer enabled, then create the cluster again.',
    );
  }
  scope.vdc = vdc;
  scope.network = network;
  scope.gateway = await getEdgeGateway(scope.tenant, network.connection.routerRef.id);
  return DONE;
}
