import { Router, type Request } from 'express';
import type { SimContext } from '../../context.ts';
import { assertRights, canSeeOrg, principalOf, requireProvider, type Principal } from '../../http/auth.ts';
import { fail } from '../../http/errors.ts';
import type { CustomSelector } from '../../http/fiql.ts';
import { pageOf } from '../../http/paging.ts';
import { inRange } from '../../world/ipv4.ts';
import type { EdgeGateway, OrgVdcNetwork, Subnet } from '../../world/networking.ts';
import type { World } from '../../world/world.ts';
import { gatewayRangeIps, usedIpAddresses } from './gateway-ips.ts';
import { ipsInUse } from './ip-pool.ts';
import { vAppsSlice } from '../../world/vapps.ts';

const networkViewRight = 'Organization vDC Network: View Properties';
const gatewayViewRight = 'Organization vDC Gateway: View';

/** The edge gateway if the caller sees it (and may view gateways); VCD's 404 or 403 otherwise. */
export function findGateway(principal: Principal, world: World, id: string): EdgeGateway {
  const gateway = world.edgeGateways[id];
  if (!gateway || !canSeeOrg(principal, gateway.orgRef.id)) fail('notFound', { kind: 'EdgeGateway', id });
  return gateway;
}

export function findNetwork(principal: Principal, world: World, id: string): OrgVdcNetwork {
  const network = world.orgVdcNetworks[id];
  if (!network || !canSeeOrg(principal, network.orgRef.id)) fail('notFound', { kind: 'OrgVdcNetwork', id });
  return network;
}

/**
 * `_context` on org VDC networks and edge gateways: VCD documents only `_context==includeAccessible`
 * (also what the VDC's data-center groups share), next to an `ownerRef.id` or `orgVdc.id` filter
 * (swagger in CAPVCD's vendored vcdswaggerclient_37_2 api_org_vdc_networks_modified.go and
 * api_edge_gateways.go). The seeded world has no data-center groups, so it filters nothing out;
 * any other value is refused (guessed: what VCD answers to it is not documented).
 */
function includeAccessibleContext(req: Request): CustomSelector<unknown> {
  const filter = typeof req.query.filter === 'string' ? req.query.filter : '';
  for (const [, operator, value] of filter.matchAll(/_context(==|!=)([^;,()]*)/g)) {
    if (operator !== '==' || value !== 'includeAccessible') {
      fail('badRequest', {
        reason: `_context${operator}${value} is not supported here; use _context==includeAccessible with ownerRef.id or orgVdc.id`,
      });
    }
  }
  return () => true;
}

/**
 * Org VDC networks (static pools with live usage), provider gateways (external networks) and NSX-T
 * edge gateways with `usedIpAddresses`. Networks and gateways are seeded; the simulator does not
 * create or delete them.
 */
export function networkArea(ctx: SimContext): Router {
  const router = Router();
  const base = '/cloudapi/1.0.0';
  const withRight = (req: Request, right: string, operation: string) => {
    const principal = principalOf(req);
    assertRights(principal, [right], operation);
    return principal;
  };

  const networkJson = (network: OrgVdcNetwork) => {
    const used = ipsInUse(ctx.store.world, network.id);
    const subnets = network.subnets.values.map((subnet): Subnet => ({
      ...subnet,
      usedIpCount: [...used.keys()].filter((ip) =>
        subnet.ipRanges.values.some((range) => inRange(ip, range.startAddress, range.endAddress)),
      ).length,
    }));
    return {
      id: network.id,
      name: network.name,
      description: network.description,
      orgRef: network.orgRef,
      ownerRef: network.ownerRef,
      orgVdc: network.orgVdc,
      networkType: network.networkType,
      connection: network.connection,
      subnets: { values: subnets },
      status: network.status,
      shared: network.shared,
      // VdcNetwork field names: model_vdc_network.go in CAPVCD's vendored vcdswaggerclient_37_2.
      guestVlanTaggingAllowed: false,
      isDefaultNetwork: false,
      crossVdcNetworkId: null,
      crossVdcNetworkLocationId: null,
      backingNetworkId: null,
      backingNetworkType: 'NSXT_FLEXIBLE_SEGMENT',
      totalIpCount: subnets.reduce((sum, subnet) => sum + subnet.totalIpCount, 0),
      usedIpCount: used.size,
    };
  };
  const visibleNetworks = (principal: Principal) =>
    Object.values(ctx.store.world.orgVdcNetworks).filter((network) =>
      canSeeOrg(principal, network.orgRef.id),
    );

  router.get(`${base}/orgVdcNetworks`, (req, res) => {
    const principal = withRight(req, networkViewRight, 'view org VDC networks');
    res.json(
      pageOf(req, res, visibleNetworks(principal).map(networkJson), {
        defaultSort: 'name',
        customSelectors: { _context: includeAccessibleContext(req) },
      }),
    );
  });
  router.get(`${base}/orgVdcNetworks/:id`, (req, res) => {
    const principal = withRight(req, networkViewRight, 'view org VDC network');
    res.json(networkJson(findNetwork(principal, ctx.store.world, req.params.id)));
  });
  router.get(`${base}/orgVdcNetworks/:id/allocatedIpAddresses`, (req, res) => {
    const principal = withRight(req, networkViewRight, 'view org VDC network');
    const network = findNetwork(principal, ctx.store.world, req.params.id);
    // AllocatedIpAddress (model_allocated_ip_address.go in CPI's vcdswaggerclient_37_2): a VM NIC's
    // address is VM_ALLOCATED; the entity is named by id and name, with its vApp's name.
    const vApps = vAppsSlice.of(ctx.store.world).vApps;
    const entries = [...ipsInUse(ctx.store.world, network.id)].map(([ipAddress, vm]) => ({
      entityId: vm.id,
      entityName: vm.name,
      vAppName: vApps[vm.vAppId]?.name ?? null,
      ipAddress,
      deployed: vm.deployed,
      allocationType: 'VM_ALLOCATED',
      networkRef: { id: network.id, name: network.name },
      orgRef: network.orgRef,
    }));
    res.json(pageOf(req, res, entries, { defaultSort: 'ipAddress' }));
  });

  router.get(`${base}/externalNetworks`, requireProvider('view provider gateways'), (req, res) => {
    res.json(pageOf(req, res, Object.values(ctx.store.world.externalNetworks), { defaultSort: 'name' }));
  });
  router.get(`${base}/externalNetworks/:id`, requireProvider('view provider gateways'), (req, res) => {
    const id = String(req.params.id);
    const network = ctx.store.world.externalNetworks[id];
    if (!network) fail('notFound', { kind: 'ExternalNetwork', id });
    res.json(network);
  });

  const gatewayJson = (gateway: EdgeGateway) => {
    const used = new Set(usedIpAddresses(ctx.store.world, gateway).map((entry) => entry.ipAddress));
    const inRanges = new Set(gatewayRangeIps(gateway));
    return {
      ...gateway,
      edgeGatewayUplinks: gateway.edgeGatewayUplinks.map((uplink) => ({
        ...uplink,
        subnets: {
          values: uplink.subnets.values.map((subnet) => ({
            ...subnet,
            usedIpCount: [...used].filter(
              (ip) =>
                inRanges.has(ip) &&
                subnet.ipRanges.values.some((range) => inRange(ip, range.startAddress, range.endAddress)),
            ).length,
          })),
        },
      })),
      edgeClusterConfig: null,
      orgVdcNetworkCount: Object.values(ctx.store.world.orgVdcNetworks).filter(
        (network) => network.connection?.routerRef.id === gateway.id,
      ).length,
    };
  };
  const visibleGateways = (principal: Principal) =>
    Object.values(ctx.store.world.edgeGateways).filter((gateway) => canSeeOrg(principal, gateway.orgRef.id));

  router.get(`${base}/edgeGateways`, (req, res) => {
    const principal = withRight(req, gatewayViewRight, 'view edge gateways');
    res.json(
      pageOf(req, res, visibleGateways(principal).map(gatewayJson), {
        defaultSort: 'name',
        customSelectors: { _context: includeAccessibleContext(req) },
      }),
    );
  });
  router.get(`${base}/edgeGateways/:id`, (req, res) => {
    const principal = withRight(req, gatewayViewRight, 'view edge gateway');
    res.json(gatewayJson(findGateway(principal, ctx.store.world, req.params.id)));
  });
  router.get(`${base}/edgeGateways/:id/usedIpAddresses`, (req, res) => {
    const principal = withRight(req, gatewayViewRight, 'view edge gateway');
    const gateway = findGateway(principal, ctx.store.world, req.params.id);
    res.json(pageOf(req, res, usedIpAddresses(ctx.store.world, gateway)));
  });

  return router;
}
