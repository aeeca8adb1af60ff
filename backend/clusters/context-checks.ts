/**
 * What a create request is checked against before anything is created: the caller's org as VCD shows it (VDCs,
 * published templates, the VDC's policies, profiles and networks with their gateways' load balancer), and the
 * capacity the cluster will need (free VIPs on the gateway, room in a service engine group).
 */
import {
  albSettings,
  freeUplinkIps,
  getEdgeGateway,
  usesIpSpaces,
  type EdgeGateway,
} from '../vcd/gateways.ts';
import { floatingIpSuggestions } from '../vcd/ipSpaces.ts';
import { segAssignments, segWithCapacity } from '../vcd/alb.ts';
import type { VcdClient } from '../vcd/client.ts';
import { networkCidr, vdcNetworks } from '../vcd/networks.ts';
import { isPlacementPolicy, listVdcs, vdcComputePolicies, vdcStoragePolicies } from '../vcd/vdcs.ts';
import type { ClusterSpecContext, CompleteClusterSpec, NetworkOffer } from './spec.ts';
import { templateVersions, visibleTemplates } from './templates.ts';

export interface CapacityProblem {
  field: string;
  rule: 'ip-quota' | 'service-engine-capacity';
  message: string;
}

/** The context for `validateCreateRequest`: everything the rules need, looked up as the caller. */
export async function lookUpContext(
  client: VcdClient,
  spec: { orgVdc: string; network: string; template?: string },
  existingClusterNames: readonly string[],
): Promise<{ context: ClusterSpecContext; gateways: Map<string, EdgeGateway> }> {
  const [vdcs, templates] = await Promise.all([listVdcs(client), visibleTemplates(client)]);
  const now = new Date().toISOString();
  // Only the chosen template's product section is read: whether it can build a cluster at all.
  const chosen = templates.find((template) => template.name === spec.template);
  const usability = chosen ? await templateVersions(client, chosen) : undefined;
  const context: ClusterSpecContext = {
    existingClusterNames,
    orgVdcs: vdcs.map((vdc) => vdc.name),
    templates: templates.map((template) => ({
      name: template.name,
      expiresAt: template.isExpired ? now : null,
      ...(template === chosen && usability && !usability.usable ? { unusableReason: usability.reason } : {}),
    })),
    now,
  };
  const gateways = new Map<string, EdgeGateway>();
  const vdc = vdcs.find((candidate) => candidate.name === spec.orgVdc);
  if (!vdc) return { context, gateways };
  const [policies, profiles, networks] = await Promise.all([
    vdcComputePolicies(client, vdc.id),
    vdcStoragePolicies(client, vdc.id),
    vdcNetworks(client, vdc.id),
  ]);
  context.sizingPolicies = policies
    .filter((policy) => !isPlacementPolicy(policy))
    .map((policy) => policy.name);
  context.placementPolicies = policies.filter(isPlacementPolicy).map((policy) => policy.name);
  context.storageProfiles = profiles.map((profile) => profile.name);
  const offers: NetworkOffer[] = await Promise.all(
    networks.map(async (network): Promise<NetworkOffer> => {
      const gatewayId = network.connection?.routerRef?.id;
      let albEnabled = false;
      if (gatewayId) {
        const [settings, assignments] = await Promise.all([
          albSettings(client, gatewayId),
          segAssignments(client, gatewayId),
        ]);
        albEnabled = settings.enabled && assignments.length > 0;
        if (albEnabled && network.name === spec.network)
          gateways.set(network.name, await getEdgeGateway(client, gatewayId));
      }
      return { name: network.name, cidr: networkCidr(network), albEnabled };
    }),
  );
  context.networks = offers;
  return { context, gateways };
}

/** VIPs and virtual services the cluster will need on its gateway, checked now so a create is refused up front. */
export async function checkCapacity(
  client: VcdClient,
  spec: CompleteClusterSpec,
  gateway: EdgeGateway,
): Promise<CapacityProblem[]> {
  const contour = spec.ingress.contour.enabled;
  const vips = contour ? 2 : 1;
  const services = contour ? 3 : 1;
  const problems: CapacityProblem[] = [];
  if (!segWithCapacity(await segAssignments(client, gateway.id), services)) {
    problems.push({
      field: 'network',
      rule: 'service-engine-capacity',
      message: `The load balancer of edge gateway "${gateway.name}" has no room for ${services} more virtual service${services > 1 ? 's' : ''}; delete unused clusters or virtual services, or ask your provider for more service engine capacity.`,
    });
  }
  let free = 0;
  if (usesIpSpaces(gateway)) {
    for (const suggestion of await floatingIpSuggestions(client, gateway.id)) {
      free += await ipSpaceHeadroom(client, suggestion.ipSpaceRef.id);
    }
  } else {
    free = (await freeUplinkIps(client, gateway)).length;
  }
  if (free < vips) {
    problems.push({
      field: 'network',
      rule: 'ip-quota',
      message: `Edge gateway "${gateway.name}" can give only ${free} of the ${vips} IP address${vips > 1 ? 'es' : ''} the cluster needs; release unused floating IPs or ask your provider for a larger IP quota.`,
    });
  }
  return problems;
}

/** Floating IPs the org may still allocate in an IP space (the cluster allocates its own; it never takes unused ones). */
async function ipSpaceHeadroom(client: VcdClient, ipSpaceId: string): Promise<number> {
  const response = await client.get<{
    utilization?: { floatingIPs?: { totalCount?: string | number; allocatedCount?: string | number } };
    ipSpaceRanges?: { defaultFloatingIpQuota?: number };
  }>(`/cloudapi/1.0.0/ipSpaces/${encodeURIComponent(ipSpaceId)}`, { allowStatus: [403, 404] });
  if (response.status !== 200) return 0;
  const usage = response.body.utilization?.floatingIPs;
  const total = Number(usage?.totalCount ?? response.body.ipSpaceRanges?.defaultFloatingIpQuota ?? 0);
  const allocated = Number(usage?.allocatedCount ?? 0);
  if (total < 0) return Number.MAX_SAFE_INTEGER;
  return Math.max(0, total - allocated);
}
