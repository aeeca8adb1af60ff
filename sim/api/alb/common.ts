import type { Request } from 'express';
import type { SimContext } from '../../context.ts';
import { assertRights, principalOf, type Principal } from '../../http/auth.ts';
import { fail } from '../../http/errors.ts';
import type { JsonValue } from '../../world/json.ts';
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
