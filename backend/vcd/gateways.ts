/**
 * NSX-T edge gateways: uplinks and their IP ranges, the IPs in use (`usedIpAddresses`), and the gateway's NSX ALB
 * settings (`edgeGateways/{id}/loadBalancer`). Free uplink IPs are found the way CPI finds them: expand the ranges,
 * drop the used ones, take the first.
 */
import type { VcdClient } from './client.ts';
import { listAll } from './paging.ts';

export interface EdgeGatewaySubnet {
  gateway: string;
  prefixLength: number;
  primaryIp?: string | null;
  ipRanges?: { values: Array<{ startAddress: string; endAddress: string }> };
}

export interface EdgeGateway {
  id: string;
  name: string;
  orgRef?: { id: string; name?: string };
  edgeGatewayUplinks: Array<{
    uplinkId?: string;
    uplinkName?: string;
    usingIpSpace?: boolean;
    subnets: { values: EdgeGatewaySubnet[] };
  }>;
}

export interface AlbSettings {
  enabled: boolean;
}

const API = '/cloudapi/1.0.0';
const enc = encodeURIComponent;

export async function getEdgeGateway(client: VcdClient, id: string): Promise<EdgeGateway> {
  return (await client.get<EdgeGateway>(`${API}/edgeGateways/${enc(id)}`)).body;
}

export async function albSettings(client: VcdClient, gatewayId: string): Promise<AlbSettings> {
  const response = await client.get<AlbSettings>(`${API}/edgeGateways/${enc(gatewayId)}/loadBalancer`, {
    allowStatus: [404],
  });
  return response.status === 404 ? { enabled: false } : response.body;
}

export function usesIpSpaces(gateway: EdgeGateway): boolean {
  return gateway.edgeGatewayUplinks.some((uplink) => uplink.usingIpSpace === true);
}

export async function usedIpAddresses(client: VcdClient, gatewayId: string): Promise<Set<string>> {
  const used = await listAll<{ ipAddress: string }>(
    client,
    `${API}/edgeGateways/${enc(gatewayId)}/usedIpAddresses`,
  );
  return new Set(used.map((entry) => entry.ipAddress));
}

function toNumber(ip: string): number {
  return ip.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0);
}

function toIp(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/** Every IP of the gateway's uplink ranges (legacy, non-IP-space gateways), in order. */
export function uplinkRangeIps(gateway: EdgeGateway): string[] {
  const ips: string[] = [];
  for (const uplink of gateway.edgeGatewayUplinks) {
    for (const subnet of uplink.subnets.values) {
      for (const range of subnet.ipRanges?.values ?? []) {
        for (let ip = toNumber(range.startAddress); ip <= toNumber(range.endAddress); ip += 1)
          ips.push(toIp(ip));
      }
    }
  }
  return ips;
}

/** Uplink IPs not in use on the gateway and not in `exclude` (IPs other clusters have claimed). */
export async function freeUplinkIps(
  client: VcdClient,
  gateway: EdgeGateway,
  exclude: ReadonlySet<string> = new Set(),
): Promise<string[]> {
  const used = await usedIpAddresses(client, gateway.id);
  const primary = new Set(
    gateway.edgeGatewayUplinks.flatMap((uplink) =>
      uplink.subnets.values.map((subnet) => subnet.primaryIp ?? ''),
    ),
  );
  return uplinkRangeIps(gateway).filter((ip) => !used.has(ip) && !primary.has(ip) && !exclude.has(ip));
}
