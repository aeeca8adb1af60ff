import { vcdError } from '../../http/errors.ts';
import { expandRange } from '../../world/ipv4.ts';
import type { Ref } from '../../world/json.ts';
import { loadBalancerSlice } from '../../world/load-balancer.ts';
import type { IpSpace, IpSpaceAllocation } from '../../world/networking.ts';
import type { IdSource } from '../../world/store.ts';
import type { World } from '../../world/world.ts';

/** Tenants use PUBLIC and SHARED_SERVICES IP spaces, and PRIVATE ones of their own org. */
export function ipSpaceOpenTo(space: IpSpace, orgId: string): boolean {
  return space.type !== 'PRIVATE' || space.orgRef?.id === orgId;
}

/** The org's floating IP quota in a space: its custom quota, else the space default; -1 = unlimited. */
export function floatingIpQuotaOf(world: World, space: IpSpace, orgId: string): number {
  const assignment = Object.values(world.ipSpaceOrgAssignments).find(
    (candidate) => candidate.ipSpaceRef.id === space.id && candidate.orgRef.id === orgId,
  );
  const custom = assignment?.customQuotas.floatingIpQuota;
  return custom ?? space.ipSpaceRanges.defaultFloatingIpQuota;
}

export function allocationsIn(world: World, spaceId: string, orgId?: string): IpSpaceAllocation[] {
  return Object.values(world.ipSpaceAllocations).filter(
    (allocation) =>
      allocation.ipSpaceId === spaceId && (orgId === undefined || allocation.orgRef.id === orgId),
  );
}

/**
 * What uses an allocation right now. A virtual service whose VIP is the allocated IP makes it
 * `USED` (category LOAD_BALANCER), as VCD does for IPs its services consume; otherwise the state
 * the tenant set (`UNUSED` or `USED_MANUAL`).
 */
export function usageOf(
  world: World,
  allocation: IpSpaceAllocation,
): Pick<IpSpaceAllocation, 'usageState' | 'usageCategories' | 'usedByRef'> {
  const service = Object.values(loadBalancerSlice.of(world).virtualServices).find(
    (candidate) =>
      candidate.virtualIpAddress === allocation.value && candidate.orgId === allocation.orgRef.id,
  );
  if (service) {
    return {
      usageState: 'USED',
      usageCategories: ['LOAD_BALANCER'],
      usedByRef: { id: service.id, name: service.name },
    };
  }
  return {
    usageState: allocation.usageState === 'USED' ? 'UNUSED' : allocation.usageState,
    usageCategories: [],
    usedByRef: allocation.usedByRef,
  };
}

export function allocationJson(world: World, allocation: IpSpaceAllocation) {
  const usage = usageOf(world, allocation);
  return {
    id: allocation.id,
    type: allocation.type,
    value: allocation.value,
    description: allocation.description,
    orgRef: allocation.orgRef,
    usageState: usage.usageState,
    usageCategories: usage.usageCategories,
    usedByRef: usage.usedByRef,
    allocationDate: allocation.allocationDate,
  };
}

export type AllocationRequest =
  { type: 'FLOATING_IP'; quantity: number } | { type: 'FLOATING_IP'; value: string };

/**
 * Allocates floating IPs for an org, atomically (one synchronous step), or throws VCD's error:
 * quota exceeded, space exhausted, or the requested value not free / not in the space.
 */
export function allocateFloatingIps(
  world: World,
  ids: IdSource,
  space: IpSpace,
  org: Ref,
  request: AllocationRequest,
  now: string,
): IpSpaceAllocation[] {
  const quantity = 'quantity' in request ? request.quantity : 1;
  const quota = floatingIpQuotaOf(world, space, org.id);
  const mine = allocationsIn(world, space.id, org.id).filter(
    (allocation) => allocation.type === 'FLOATING_IP',
  );
  if (quota >= 0 && mine.length + quantity > quota) {
    throw vcdError('ipSpaceQuotaExceeded', {
      requested: quantity,
      ipSpace: space.name,
      org: org.name,
      allocated: mine.length,
      quota,
    });
  }
  const taken = new Set(allocationsIn(world, space.id).map((allocation) => allocation.value));
  const candidates = space.ipSpaceRanges.ipRanges.flatMap((range) =>
    expandRange(range.startIpAddress, range.endIpAddress),
  );
  let values: string[];
  if ('value' in request) {
    if (!candidates.includes(request.value))
      throw vcdError('badRequest', {
        reason: `IP ${request.value} is not in the ranges of IP Space "${space.name}".`,
      });
    if (taken.has(request.value))
      throw vcdError('badRequest', {
        reason: `IP ${request.value} of IP Space "${space.name}" is already allocated.`,
      });
    values = [request.value];
  } else {
    values = candidates.filter((ip) => !taken.has(ip)).slice(0, quantity);
    if (values.length < quantity)
      throw vcdError('ipSpaceExhausted', { ipSpace: space.name, requested: quantity });
  }
  return values.map((value) => {
    const allocation: IpSpaceAllocation = {
      id: ids.urn('ipSpaceIpAllocation'),
      ipSpaceId: space.id,
      type: 'FLOATING_IP',
      value,
      description: '',
      orgRef: { id: org.id, name: org.name },
      usageState: 'UNUSED',
      usageCategories: [],
      usedByRef: null,
      allocationDate: now,
    };
    world.ipSpaceAllocations[allocation.id] = allocation;
    return allocation;
  });
}

/** `utilization` of a space (counts as strings); for a tenant, `totalCount` is its quota. */
export function utilizationOf(world: World, space: IpSpace, orgId: string | null) {
  const all = space.ipSpaceRanges.ipRanges.reduce((sum, range) => sum + Number(range.totalIpCount), 0);
  const allocations = allocationsIn(world, space.id, orgId ?? undefined).filter(
    (a) => a.type === 'FLOATING_IP',
  );
  const used = allocations.filter((allocation) => usageOf(world, allocation).usageState !== 'UNUSED').length;
  const quota = orgId ? floatingIpQuotaOf(world, space, orgId) : -1;
  const total = orgId && quota >= 0 ? quota : all;
  const percent = (part: number) => (total > 0 ? ((part / total) * 100).toFixed(0) : '0');
  return {
    floatingIPs: {
      totalCount: String(total),
      allocatedCount: String(allocations.length),
      usedCount: String(used),
      unusedCount: String(allocations.length - used),
      allocatedPercentage: percent(allocations.length),
      usedPercentage: percent(used),
    },
    ipPrefixes: { prefixLengthUtilizations: [] },
  };
}
