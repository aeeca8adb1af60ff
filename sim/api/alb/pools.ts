import { Router, type Request } from 'express';
import { z } from 'zod';
import type { SimContext } from '../../context.ts';
import { canSeeOrg, type Principal } from '../../http/auth.ts';
import { parseBody } from '../../http/body.ts';
import { fail } from '../../http/errors.ts';
import { pageOf } from '../../http/paging.ts';
import { vmRuntime } from '../../infra/vms.ts';
import { isIpv4 } from '../../world/ipv4.ts';
import { loadBalancerSlice, type AlbPool } from '../../world/load-balancer.ts';
import {
  addAlbObjectRoutes,
  albBase,
  type AlbKind,
  albViewer,
  gatewayOf,
  requireAlbEnabled,
} from './common.ts';
import { poolHealth } from './health.ts';

const ref = z.object({ id: z.string().min(1), name: z.string().nullable().optional() }).passthrough();
const member = z
  .object({
    ipAddress: z.string().refine(isIpv4, 'must be an IPv4 address'),
    port: z.number().int().min(1).max(65535).nullable().optional(),
    ratio: z.number().int().min(1).max(20).optional(),
    enabled: z.boolean().optional(),
    healthStatus: z.string().nullable().optional(),
    markedDownBy: z.array(z.string()).nullable().optional(),
    detailedHealthMessage: z.string().nullable().optional(),
  })
  .strict();
/** NsxtAlbPool; read-only fields are accepted and ignored, unknown fields refused. */
export const poolInput = z
  .object({
    id: z.string().optional(),
    name: z.string().min(1).max(128),
    description: z.string().max(1024).nullable().optional(),
    gatewayRef: ref,
    enabled: z.boolean().optional(),
    algorithm: z
      .enum([
        'LEAST_CONNECTIONS',
        'ROUND_ROBIN',
        'CONSISTENT_HASH',
        'FASTEST_RESPONSE',
        'LEAST_LOAD',
        'FEWEST_SERVERS',
        'RANDOM',
        'FEWEST_TASKS',
        'CORE_AFFINITY',
      ])
      .optional(),
    defaultPort: z.number().int().min(1).max(65535).nullable().optional(),
    gracefulTimeoutPeriod: z.number().int().min(-1).optional(),
    passiveMonitoringEnabled: z.boolean().optional(),
    healthMonitors: z
      .array(
        z
          .object({
            type: z.enum(['HTTP', 'HTTPS', 'TCP', 'UDP', 'PING']),
            name: z.string().nullable().optional(),
            systemDefined: z.boolean().optional(),
          })
          .strict(),
      )
      .nullable()
      .optional(),
    members: z.array(member).max(256).nullable().optional(),
    memberGroupRef: ref.nullable().optional(),
    caCertificateRefs: z.array(ref).nullable().optional(),
    commonNameCheckEnabled: z.boolean().optional(),
    domainNames: z.array(z.string()).nullable().optional(),
    sslEnabled: z.boolean().optional(),
    persistenceProfile: z
      .object({
        type: z.enum(['CLIENT_IP', 'HTTP_COOKIE', 'CUSTOM_HTTP_HEADER', 'APP_COOKIE', 'TLS']),
        value: z.string().optional(),
        name: z.string().optional(),
      })
      .passthrough()
      .nullable()
      .optional(),
    memberCount: z.number().optional(),
    enabledMemberCount: z.number().optional(),
    upMemberCount: z.number().optional(),
    healthMessage: z.string().nullable().optional(),
    virtualServiceRefs: z.array(ref).nullable().optional(),
    status: z.string().optional(),
  })
  .strict();

const poolKind: AlbKind = { label: 'Load Balancer Pool', operationSuffix: 'LoadBalancerPool' };

/**
 * ALB pools (`loadBalancer/pools`), asynchronous like VCD (202 + task, `albRealization`), with
 * member health from the emulated VMs, and the per-gateway `poolSummaries`.
 */
export function poolsRouter(ctx: SimContext): Router {
  const router = Router();
  const lb = () => loadBalancerSlice.of(ctx.store.world);
  const runtime = vmRuntime(ctx);

  const servicesUsing = (pool: AlbPool) =>
    Object.values(lb().virtualServices).filter((service) => service.loadBalancerPoolRef.id === pool.id);

  const poolJson = (pool: AlbPool) => {
    const health = poolHealth(runtime, pool);
    const { orgId: _org, status: _status, ...stored } = pool;
    return {
      ...stored,
      members: health.members.map(({ member: m, health: state }) => ({
        ...m,
        healthStatus: state,
        markedDownBy: state === 'DOWN' ? ['HEALTH_MONITOR'] : [],
        detailedHealthMessage: state === 'DOWN' ? 'Health monitor failed: the server does not answer.' : null,
      })),
      memberCount: health.memberCount,
      enabledMemberCount: health.enabledMemberCount,
      upMemberCount: health.upMemberCount,
      healthMessage: health.healthMessage,
      virtualServiceRefs: servicesUsing(pool).map((service) => ({ id: service.id, name: service.name })),
    };
  };
  const summaryJson = (pool: AlbPool) => {
    const full = poolJson(pool);
    return {
      id: full.id,
      name: full.name,
      description: full.description,
      enabled: full.enabled,
      gatewayRef: full.gatewayRef,
      algorithm: full.algorithm,
      defaultPort: full.defaultPort,
      memberCount: full.memberCount,
      enabledMemberCount: full.enabledMemberCount,
      upMemberCount: full.upMemberCount,
      healthMessage: full.healthMessage,
      virtualServiceRefs: full.virtualServiceRefs,
      status: pool.status,
    };
  };

  const findPool = (principal: Principal, id: string): AlbPool => {
    const pool = lb().pools[id];
    if (!pool || !canSeeOrg(principal, pool.orgId)) fail('notFound', { kind: 'LoadBalancerPool', id });
    return pool;
  };
  const validated = (req: Request, principal: Principal, existing?: AlbPool) => {
    const input = parseBody(poolInput, req.body);
    const gateway = gatewayOf(principal, ctx, input.gatewayRef.id);
    if (existing && gateway.id !== existing.gatewayRef.id)
      fail('badRequest', { reason: 'The gateway of a pool cannot change.' });
    requireAlbEnabled(ctx, gateway);
    if (input.memberGroupRef)
      fail('badRequest', { reason: 'memberGroupRef (IP set members) is not supported by the simulator.' });
    const clash = Object.values(lb().pools).find(
      (pool) => pool.gatewayRef.id === gateway.id && pool.name === input.name && pool.id !== existing?.id,
    );
    if (clash) fail('duplicateName', { kind: 'Load Balancer Pool', name: input.name });
    const fields: Omit<AlbPool, 'id' | 'status'> = {
      name: input.name,
      description: input.description ?? '',
      gatewayRef: { id: gateway.id, name: gateway.name },
      orgId: gateway.orgRef.id,
      enabled: input.enabled ?? true,
      algorithm: input.algorithm ?? 'LEAST_CONNECTIONS',
      defaultPort: input.defaultPort ?? 80,
      gracefulTimeoutPeriod: input.gracefulTimeoutPeriod ?? 1,
      passiveMonitoringEnabled: input.passiveMonitoringEnabled ?? true,
      healthMonitors: (input.healthMonitors ?? []).map((monitor) => ({
        type: monitor.type,
        name: monitor.name ?? null,
        systemDefined: monitor.systemDefined ?? true,
      })),
      members: (input.members ?? []).map((m) => ({
        ipAddress: m.ipAddress,
        port: m.port ?? null,
        ratio: m.ratio ?? 1,
        enabled: m.enabled ?? true,
      })),
      persistenceProfile: input.persistenceProfile ?? null,
      sslEnabled: input.sslEnabled ?? false,
      commonNameCheckEnabled: input.commonNameCheckEnabled ?? false,
      domainNames: input.domainNames ?? [],
      caCertificateRefs: (input.caCertificateRefs ?? []).map((certificate) => ({
        id: certificate.id,
        name: certificate.name ?? '',
      })),
    };
    return fields;
  };
  addAlbObjectRoutes(router, ctx, {
    path: `${albBase}/loadBalancer/pools`,
    kind: poolKind,
    idKind: 'loadBalancerPool',
    collection: () => lb().pools,
    find: findPool,
    validated,
    toJson: poolJson,
    beforeDelete: (pool) => {
      const user = servicesUsing(pool)[0];
      if (user) fail('albPoolInUse', { pool: pool.name, virtualService: user.name });
    },
  });

  router.get(`${albBase}/edgeGateways/:id/loadBalancer/poolSummaries`, (req, res) => {
    const principal = albViewer(req);
    const gateway = gatewayOf(principal, ctx, req.params.id);
    const pools = Object.values(lb().pools).filter((pool) => pool.gatewayRef.id === gateway.id);
    res.json(pageOf(req, res, pools.map(summaryJson), { defaultSort: 'name' }));
  });

  return router;
}
