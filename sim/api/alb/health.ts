import type { VmRuntime } from '../../infra/vms.ts';
import type { AlbPool, AlbPoolMember, AlbVirtualService } from '../../world/load-balancer.ts';

export type MemberHealth = 'UP' | 'DOWN' | 'DISABLED' | 'UNKNOWN';

/** A member is UP when a running, booted VM has its IP (the simulated health monitor reaches it). */
export function memberHealth(runtime: VmRuntime, pool: AlbPool, member: AlbPoolMember): MemberHealth {
  if (!member.enabled || !pool.enabled) return 'DISABLED';
  if (pool.status === 'PENDING') return 'UNKNOWN';
  return runtime.isReachable(member.ipAddress) ? 'UP' : 'DOWN';
}

export function poolHealth(runtime: VmRuntime, pool: AlbPool) {
  const members = pool.members.map((member) => ({ member, health: memberHealth(runtime, pool, member) }));
  const up = members.filter((entry) => entry.health === 'UP').length;
  const enabled = pool.members.filter((member) => member.enabled).length;
  return {
    members,
    memberCount: pool.members.length,
    enabledMemberCount: enabled,
    upMemberCount: up,
    healthMessage:
      pool.members.length === 0
        ? 'The pool has no members.'
        : up > 0
          ? `${up} of ${enabled} enabled members are up.`
          : 'No pool member is reachable.',
  };
}

/**
 * Virtual service health: UNKNOWN while it is being realised, DOWN when disabled, otherwise UP
 * when its pool has at least one reachable member, else DOWN.
 */
export function virtualServiceHealth(
  runtime: VmRuntime,
  service: AlbVirtualService,
  pool: AlbPool | undefined,
) {
  if (service.status === 'PENDING') {
    return {
      healthStatus: 'UNKNOWN',
      healthMessage: 'The virtual service is being realized.',
      detailedHealthMessage: null,
    };
  }
  if (service.status === 'REALIZATION_FAILED') {
    return {
      healthStatus: 'UNAVAILABLE',
      healthMessage: 'The virtual service could not be realized.',
      detailedHealthMessage: null,
    };
  }
  if (!service.enabled) {
    return {
      healthStatus: 'DOWN',
      healthMessage: 'The virtual service is disabled.',
      detailedHealthMessage: null,
    };
  }
  const up = pool ? poolHealth(runtime, pool).upMemberCount : 0;
  return up > 0
    ? {
        healthStatus: 'UP',
        healthMessage: 'The virtual service is up.',
        detailedHealthMessage: `${up} pool member(s) up.`,
      }
    : {
        healthStatus: 'DOWN',
        healthMessage: 'The virtual service is down: no pool member is reachable.',
        detailedHealthMessage: 'Pool has no servers up.',
      };
}
