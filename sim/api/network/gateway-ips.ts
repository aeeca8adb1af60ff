import type { Ref } from '../../world/json.ts';
import { expandRange, inRange } from '../../world/ipv4.ts';
import { loadBalancerSlice } from '../../world/load-balancer.ts';
import type { EdgeGateway, IpSpace, IpSpaceAllocation } from '../../world/networking.ts';
import type { World } from '../../world/world.ts';

export type UsedIpCategory =
  'SNAT' | 'DNAT' | 'Load_Balancer' | 'IPsec_VPN' | 'SSL_VPN' | 'L2_VPN' | 'PRIMARY_IP';

/** An entry of `edgeGateways/{id}/usedIpAddresses`. */
export interface UsedIpAddress {
  ipAddress: string;
  category: UsedIpCategory;
  networkRef: Ref;
}

export function usesIpSpaces(gateway: EdgeGateway): boolean {
  return gateway.edgeGatewayUplinks.some((uplink) => uplink.usingIpSpace);
}

/** IP spaces reachable from the gateway: those uplinked to the provider gateway it connects to. */
export function ipSpacesOfGateway(world: World, gateway: EdgeGateway): IpSpace[] {
  const externalIds = new Set(
    gateway.edgeGatewayUplinks.filter((uplink) => uplink.usingIpSpace).map((uplink) => uplink.uplinkId),
  );
  const spaceIds = new Set(
    Object.values(world.ipSpaceUplinks)
      .filter((uplink) => externalIds.has(uplink.externalNetworkRef.id))
      .map((uplink) => uplink.ipSpaceRef.id),
  );
  return [...spaceIds].flatMap((id) => (world.ipSpaces[id] ? [world.ipSpaces[id]] : []));
}

/** Floating IPs of the gateway's org in the IP spaces the gateway reaches. */
export function gatewayAllocations(world: World, gateway: EdgeGateway): IpSpaceAllocation[] {
  const spaceIds = new Set(ipSpacesOfGateway(world, gateway).map((space) => space.id));
  return Object.values(world.ipSpaceAllocations).filter(
    (allocation) =>
      allocation.type === 'FLOATING_IP' &&
      spaceIds.has(allocation.ipSpaceId) &&
      allocation.orgRef.id === gateway.orgRef.id,
  );
}

/**
 * Whether a VIP belongs to the gateway: inside its sub-allocated uplink IP ranges (legacy), its
 * primary IP, or a floating IP its org allocated from an IP space the gateway reaches.
 */
export function vipBelongsToGateway(world: World, gateway: EdgeGateway, ip: string): boolean {
  for (const uplink of gateway.edgeGatewayUplinks) {
    for (const subnet of uplink.subnets.values) {
      if (subnet.primaryIp === ip) return true;
      if (subnet.ipRanges.values.some((range) => inRange(ip, range.startAddress, range.endAddress)))
        return true;
    }
  }
  return gatewayAllocations(world, gateway).some((allocation) => allocation.value === ip);
}

/** Every uplink IP of the gateway's legacy ranges, in order (for free-IP scans and counts). */
export function gatewayRangeIps(gateway: EdgeGateway): string[] {
  return gateway.edgeGatewayUplinks.flatMap((uplink) =>
    uplink.subnets.values.flatMap((subnet) =>
      subnet.ipRanges.values.flatMap((range) => expandRange(range.startAddress, range.endAddress)),
    ),
  );
}

/** IPs the gateway uses: its primary IPs and the VIPs of its virtual services. */
export function usedIpAddresses(world: World, gateway: EdgeGateway): UsedIpAddress[] {
  const used: UsedIpAddress[] = [];
  const seen = new Set<string>();
  const uplinkRef = (uplinkId: string, fallback: string): Ref => ({
    id: uplinkId,
    name: world.externalNetworks[uplinkId]?.name ?? fallback,
  });
  for (const uplink of gateway.edgeGatewayUplinks) {
    for (const subnet of uplink.subnets.values) {
      if (subnet.primaryIp && !seen.has(`${subnet.primaryIp}/PRIMARY_IP`)) {
        seen.add(`${subnet.primaryIp}/PRIMARY_IP`);
        used.push({
          ipAddress: subnet.primaryIp,
          category: 'PRIMARY_IP',
          networkRef: uplinkRef(uplink.uplinkId, uplink.uplinkName),
        });
      }
    }
  }
  const firstUplink = gateway.edgeGatewayUplinks[0];
  for (const service of Object.values(loadBalancerSlice.of(world).virtualServices)) {
    if (service.gatewayRef.id !== gateway.id || seen.has(`${service.virtualIpAddress}/LB`)) continue;
    seen.add(`${service.virtualIpAddress}/LB`);
    used.push({
      ipAddress: service.virtualIpAddress,
      category: 'Load_Balancer',
      networkRef: firstUplink
        ? uplinkRef(firstUplink.uplinkId, firstUplink.uplinkName)
        : { id: '', name: '' },
    });
  }
  return used;
}
