import { Router, type Request } from 'express';
import { z } from 'zod';
import type { SimContext } from '../../context.ts';
import { canSeeOrg, type Principal } from '../../http/auth.ts';
import { parseBody } from '../../http/body.ts';
import { fail } from '../../http/errors.ts';
import { pageOf } from '../../http/paging.ts';
import { vmRuntime } from '../../infra/vms.ts';
import { isIpv4 } from '../../world/ipv4.ts';
import { loadBalancerSlice, type AlbServicePort, type AlbVirtualService } from '../../world/load-balancer.ts';
import { vipBelongsToGateway } from '../network/gateway-ips.ts';
import {
  addAlbObjectRoutes,
  albBase,
  type AlbKind,
  albViewer,
  gatewayOf,
  requireAlbEnabled,
} from './common.ts';
import { virtualServiceHealth } from './health.ts';
import { deployedCount } from './service-engine-groups.ts';

const ref = z.object({ id: z.string().min(1), name: z.string().nullable().optional() }).passthrough();
const port = z.number().int().min(1).max(65535);
/** NsxtAlbVirtualService; read-only fields are accepted and ignored, unknown fields refused. */
export const virtualServiceInput = z
  .object({
    id: z.string().optional(),
    name: z.string().min(1).max(128),
    description: z.string().max(1024).nullable().optional(),
    enabled: z.boolean().optional(),
    applicationProfile: z
      .object({
        type: z.enum(['HTTP', 'HTTPS', 'L4', 'L4_TLS']),
        systemDefined: z.boolean().optional(),
        name: z.string().optional(),
      })
      .strict(),
    gatewayRef: ref,
    loadBalancerPoolRef: ref,
    serviceEngineGroupRef: ref,
    certificateRef: ref.nullable().optional(),
    servicePorts: z
      .array(
        z
          .object({
            portStart: port,
            portEnd: port.nullable().optional(),
            sslEnabled: z.boolean().optional(),
            tcpUdpProfile: z
              .object({
                type: z.enum(['TCP_PROXY', 'TCP_FAST_PATH', 'UDP_FAST_PATH']),
                systemDefined: z.boolean().optional(),
              })
              .strict()
              .nullable()
              .optional(),
          })
          .strict(),
      )
      .min(1),
    virtualIpAddress: z.string().refine(isIpv4, 'must be an IPv4 address'),
    ipv6VirtualIpAddress: z.string().nullable().optional(),
    transparentModeEnabled: z.boolean().optional(),
    healthStatus: z.string().nullable().optional(),
    healthMessage: z.string().nullable().optional(),
    detailedHealthMessage: z.string().nullable().optional(),
    status: z.string().optional(),
    applicationProfileType: z.string().optional(),
  })
  .strict();

function portsOverlap(a: AlbServicePort[], b: AlbServicePort[]): number | undefined {
  for (const left of a) {
    for (const right of b) {
      const leftEnd = left.portEnd ?? left.portStart;
      const rightEnd = right.portEnd ?? right.portStart;
      if (left.portStart <= rightEnd && right.portStart <= leftEnd)
        return Math.max(left.portStart, right.portStart);
    }
  }
  return undefined;
}

const virtualServiceKind: AlbKind = {
  label: 'Virtual Service',
  operationSuffix: 'LoadBalancerVirtualService',
};

/**
 * ALB virtual services (`loadBalancer/virtualServices`), asynchronous like VCD, and the
 * per-gateway `virtualServiceSummaries`. A create is checked before its task starts: the pool
 * (same gateway, not used by another service), the SEG assignment and its virtual-service quota,
 * the VIP (it must belong to the gateway and not clash with another service on the same port).
 */
export function virtualServicesRouter(ctx: SimContext): Router {
  const router = Router();
  const lb = () => loadBalancerSlice.of(ctx.store.world);
  const runtime = vmRuntime(ctx);

  const serviceJson = (service: AlbVirtualService) => {
    const { orgId: _org, status: _status, ...stored } = service;
    return {
      ...stored,
      ...virtualServiceHealth(runtime, service, lb().pools[service.loadBalancerPoolRef.id]),
    };
  };
  const summaryJson = (service: AlbVirtualService) => ({
    id: service.id,
    name: service.name,
    description: service.description,
    enabled: service.enabled,
    gatewayRef: service.gatewayRef,
    loadBalancerPoolRef: service.loadBalancerPoolRef,
    serviceEngineGroupRef: service.serviceEngineGroupRef,
    virtualIpAddress: service.virtualIpAddress,
    servicePorts: service.servicePorts,
    applicationProfileType: service.applicationProfile.type,
    ...virtualServiceHealth(runtime, service, lb().pools[service.loadBalancerPoolRef.id]),
    status: service.status,
  });

  const findService = (principal: Principal, id: string): AlbVirtualService => {
    const service = lb().virtualServices[id];
    if (!service || !canSeeOrg(principal, service.orgId))
      fail('notFound', { kind: 'LoadBalancerVirtualService', id });
    return service;
  };

  const validated = (
    req: Request,
    principal: Principal,
    existing?: AlbVirtualService,
  ): Omit<AlbVirtualService, 'id' | 'status'> => {
    const world = ctx.store.world;
    const input = parseBody(virtualServiceInput, req.body);
    const gateway = gatewayOf(principal, ctx, input.gatewayRef.id);
    if (existing && gateway.id !== existing.gatewayRef.id)
      fail('badRequest', { reason: 'The gateway of a virtual service cannot change.' });
    requireAlbEnabled(ctx, gateway);
    const others = Object.values(lb().virtualServices).filter((service) => service.id !== existing?.id);
    if (others.some((service) => service.gatewayRef.id === gateway.id && service.name === input.name)) {
      fail('duplicateName', { kind: 'Virtual Service', name: input.name });
    }
    if (
      (input.applicationProfile.type === 'HTTPS' || input.applicationProfile.type === 'L4_TLS') &&
      !input.certificateRef
    ) {
      fail('badRequest', {
        reason: `Application profile ${input.applicationProfile.type} requires a certificateRef.`,
      });
    }
    if (input.transparentModeEnabled && !world.albGatewaySettings[gateway.id]?.transparentModeEnabled) {
      fail('badRequest', { reason: `Transparent mode is not enabled on Edge Gateway "${gateway.name}".` });
    }
    const pool = lb().pools[input.loadBalancerPoolRef.id];
    if (!pool || !canSeeOrg(principal, pool.orgId))
      fail('notFound', { kind: 'LoadBalancerPool', id: input.loadBalancerPoolRef.id });
    if (pool.gatewayRef.id !== gateway.id) {
      fail('badRequest', { reason: `Pool "${pool.name}" belongs to another Edge Gateway.` });
    }
    const poolUser = others.find((service) => service.loadBalancerPoolRef.id === pool.id);
    if (poolUser) fail('albPoolInUse', { pool: pool.name, virtualService: poolUser.name });

    const seg = world.serviceEngineGroups[input.serviceEngineGroupRef.id];
    const assignment = Object.values(world.serviceEngineGroupAssignments).find(
      (candidate) =>
        candidate.gatewayRef.id === gateway.id &&
        candidate.serviceEngineGroupRef.id === input.serviceEngineGroupRef.id,
    );
    if (!seg || !assignment) {
      fail('albSegNotAssigned', {
        seg: seg?.name ?? input.serviceEngineGroupRef.name ?? input.serviceEngineGroupRef.id,
        gateway: gateway.name,
      });
    }
    const movingIn = !existing || existing.serviceEngineGroupRef.id !== seg.id;
    if (movingIn) {
      const onGateway = deployedCount(world, seg.id, gateway.id);
      const onSeg = deployedCount(world, seg.id);
      if (seg.reservationType === 'SHARED' && onGateway >= assignment.maxVirtualServices) {
        fail('albVirtualServiceQuota', {
          max: assignment.maxVirtualServices,
          seg: seg.name,
          gateway: gateway.name,
        });
      }
      if (onSeg >= seg.maxVirtualServices) {
        fail('albVirtualServiceQuota', { max: seg.maxVirtualServices, seg: seg.name, gateway: gateway.name });
      }
    }

    if (!vipBelongsToGateway(world, gateway, input.virtualIpAddress)) {
      fail('albVipNotOnGateway', { ip: input.virtualIpAddress, gateway: gateway.name });
    }
    const servicePorts: AlbServicePort[] = input.servicePorts.map((entry) => ({
      portStart: entry.portStart,
      portEnd: entry.portEnd ?? null,
      sslEnabled: entry.sslEnabled ?? false,
      tcpUdpProfile: entry.tcpUdpProfile
        ? { type: entry.tcpUdpProfile.type, systemDefined: entry.tcpUdpProfile.systemDefined ?? true }
        : { type: 'TCP_PROXY', systemDefined: true },
    }));
    for (const entry of servicePorts) {
      if (entry.portEnd !== null && entry.portEnd < entry.portStart) {
        fail('badRequest', { reason: `Service port range ${entry.portStart}-${entry.portEnd} is invalid.` });
      }
    }
    for (const other of others) {
      if (other.virtualIpAddress !== input.virtualIpAddress) continue;
      const clash = portsOverlap(servicePorts, other.servicePorts);
      if (clash !== undefined)
        fail('albVipConflict', { ip: input.virtualIpAddress, port: clash, other: other.name });
    }
    return {
      name: input.name,
      description: input.description ?? '',
      gatewayRef: { id: gateway.id, name: gateway.name },
      orgId: gateway.orgRef.id,
      enabled: input.enabled ?? true,
      applicationProfile: {
        type: input.applicationProfile.type,
        systemDefined: input.applicationProfile.systemDefined ?? true,
        ...(input.applicationProfile.name ? { name: input.applicationProfile.name } : {}),
      },
      loadBalancerPoolRef: { id: pool.id, name: pool.name },
      serviceEngineGroupRef: { id: seg.id, name: seg.name },
      certificateRef: input.certificateRef
        ? { id: input.certificateRef.id, name: input.certificateRef.name ?? '' }
        : null,
      servicePorts,
      virtualIpAddress: input.virtualIpAddress,
    };
  };
  addAlbObjectRoutes(router, ctx, {
    path: `${albBase}/loadBalancer/virtualServices`,
    kind: virtualServiceKind,
    idKind: 'loadBalancerVirtualService',
    collection: () => lb().virtualServices,
    find: findService,
    validated,
    toJson: serviceJson,
  });

  router.get(`${albBase}/edgeGateways/:id/loadBalancer/virtualServiceSummaries`, (req, res) => {
    const principal = albViewer(req);
    const gateway = gatewayOf(principal, ctx, req.params.id);
    const services = Object.values(lb().virtualServices).filter(
      (service) => service.gatewayRef.id === gateway.id,
    );
    res.json(pageOf(req, res, services.map(summaryJson), { defaultSort: 'name' }));
  });

  return router;
}
