import type { Request, Response, Router } from 'express';
import type { SimContext } from '../../context.ts';
import { assertRights, principalOf, type Principal } from '../../http/auth.ts';
import { fail } from '../../http/errors.ts';
import type { JsonValue } from '../../world/json.ts';
import type { RealizationStatus } from '../../world/load-balancer.ts';
import type { EdgeGateway } from '../../world/networking.ts';
import type { TaskRecord } from '../../world/tasks.ts';
import { findGateway } from '../network/network.ts';

export const viewLoadBalancerRight = 'Organization vDC Gateway: View Load Balancer';
export const configureLoadBalancerRight = 'Organization vDC Gateway: Configure Load Balancer';

export const albBase = '/cloudapi/1.0.0';

export function albViewer(req: Request): Principal {
  const principal = principalOf(req);
  assertRights(principal, [viewLoadBalancerRight], 'view load balancer');
  return principal;
}

export function albConfigurer(req: Request): Principal {
  const principal = principalOf(req);
  assertRights(principal, [configureLoadBalancerRight], 'configure load balancer');
  return principal;
}

/** A gateway referenced in a body: unknown or another org's is VCD's 400-style not-found (404). */
export function gatewayOf(principal: Principal, ctx: SimContext, id: string): EdgeGateway {
  return findGateway(principal, ctx.store.world, id);
}

/** The gateway must have NSX ALB enabled to carry pools and virtual services. */
export function requireAlbEnabled(ctx: SimContext, gateway: EdgeGateway): void {
  if (!ctx.store.world.albGatewaySettings[gateway.id]?.enabled)
    fail('albNotEnabled', { gateway: gateway.name });
}

/**
 * Starts the realisation task of an ALB change (VCD answers 202 + Location): the `task`
 * class, then `albRealization`, whose faults fail the task; `work` runs after the wait.
 */
export function startRealization(
  ctx: SimContext,
  principal: Principal,
  input: { orgId: string; owner: { id: string; name: string }; operation: string; operationName: string },
  done: { success(): JsonValue | undefined | void; failure(): void },
): TaskRecord {
  return ctx.tasks.start({
    operation: input.operation,
    operationName: input.operationName,
    owner: { ...input.owner, type: 'application/json' },
    org: { id: input.orgId, name: ctx.store.world.orgs[input.orgId]?.name ?? '' },
    user: principal.user,
    work: async (task) => {
      try {
        await ctx.latency.wait('albRealization', task.signal);
      } catch (error) {
        done.failure();
        ctx.store.changed();
        throw error;
      }
      const result = done.success();
      ctx.store.changed();
      return result;
    },
  });
}

/** An ALB object whose changes are realised asynchronously (pools, virtual services). */
interface RealizedObject {
  id: string;
  name: string;
  orgId: string;
  status: RealizationStatus;
}

/** How VCD names an ALB object kind in task texts and operation names. */
export interface AlbKind {
  /** `Load Balancer Pool`, as in "Creating Load Balancer Pool web". */
  label: string;
  /** `LoadBalancerPool`, as in `createLoadBalancerPool`. */
  operationSuffix: string;
}

const changeVerbs = {
  create: { operation: 'Creating', operationName: 'create' },
  update: { operation: 'Updating', operationName: 'update' },
  delete: { operation: 'Deleting', operationName: 'delete' },
} as const;

/**
 * Realises a create, update or delete of an object held in `collection()` and answers 202. The
 * outcome on the object is the same for every kind: a create that fails leaves nothing behind, an
 * update that fails is `REALIZATION_FAILED`, a delete that fails restores the previous status.
 */
function realizeAlbChange<T extends RealizedObject>(
  ctx: SimContext,
  principal: Principal,
  res: Response,
  change: { verb: keyof typeof changeVerbs; kind: AlbKind; object: T; collection: () => Record<string, T> },
): void {
  const { verb, kind, object, collection } = change;
  const previous = object.status;
  object.status = 'PENDING';
  const current = () => collection()[object.id];
  const task = startRealization(
    ctx,
    principal,
    {
      orgId: object.orgId,
      owner: { id: object.id, name: object.name },
      operation: `${changeVerbs[verb].operation} ${kind.label} ${object.name}`,
      operationName: `${changeVerbs[verb].operationName}${kind.operationSuffix}`,
    },
    {
      success: () => {
        if (verb === 'delete') delete collection()[object.id];
        else if (current()) current()!.status = 'REALIZED';
      },
      failure: () => {
        if (verb === 'create') delete collection()[object.id];
        else if (current()) current()!.status = verb === 'update' ? 'REALIZATION_FAILED' : previous;
      },
    },
  );
  ctx.tasks.accepted(res, task, ctx.publicUrl());
}

/** What the create/read/update/delete routes of one ALB object kind need to know about it. */
export interface AlbObjectRoutes<T extends RealizedObject> {
  /** Collection path, e.g. `${albBase}/loadBalancer/pools`. */
  path: string;
  kind: AlbKind;
  /** URN kind of new ids, e.g. `loadBalancerPool`. */
  idKind: string;
  collection: () => Record<string, T>;
  /** The object the principal may see, or a 404. */
  find(principal: Principal, id: string): T;
  /** The request's fields, checked against the world (and against `existing` on update). */
  validated(req: Request, principal: Principal, existing?: T): Omit<T, 'id' | 'status'>;
  toJson(object: T): unknown;
  /** Refuses a delete VCD would refuse (e.g. a pool still used by a virtual service). */
  beforeDelete?(object: T): void;
}

/** POST, GET, PUT and DELETE of one ALB object kind: each change is realised by `realizeAlbChange`. */
export function addAlbObjectRoutes<T extends RealizedObject>(
  router: Router,
  ctx: SimContext,
  routes: AlbObjectRoutes<T>,
): void {
  const { path, kind, collection } = routes;
  const idle = (object: T): T => {
    if (object.status === 'PENDING') fail('busyEntity', { id: object.id });
    return object;
  };
  router.post(path, (req, res) => {
    const principal = albConfigurer(req);
    const fields = routes.validated(req, principal);
    // An object of the kind is exactly its validated fields plus its id and status.
    const object = { id: ctx.store.ids.urn(routes.idKind), status: 'PENDING', ...fields } as unknown as T;
    collection()[object.id] = object;
    realizeAlbChange(ctx, principal, res, { verb: 'create', kind, object, collection });
  });
  router.get(`${path}/:id`, (req, res) => {
    res.json(routes.toJson(routes.find(albViewer(req), req.params['id']!)));
  });
  router.put(`${path}/:id`, (req, res) => {
    const principal = albConfigurer(req);
    const object = idle(routes.find(principal, req.params['id']!));
    Object.assign(object, routes.validated(req, principal, object));
    realizeAlbChange(ctx, principal, res, { verb: 'update', kind, object, collection });
  });
  router.delete(`${path}/:id`, (req, res) => {
    const principal = albConfigurer(req);
    const object = idle(routes.find(principal, req.params['id']!));
    routes.beforeDelete?.(object);
    realizeAlbChange(ctx, principal, res, { verb: 'delete', kind, object, collection });
  });
}
