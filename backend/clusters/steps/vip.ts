/**
 * Reserves a virtual IP on the cluster's edge gateway, recorded under a claim marker before anything is
 * allocated: on an IP-space gateway an allocation whose description is the claim (as CAPVCD and CPI tag theirs;
 * the allocation task is recorded too, so a restart reads its result instead of allocating again); on a legacy
 * gateway the first free uplink IP, recorded with the claim (nothing in VCD reserves it until a virtual service
 * uses it, so this process keeps its own claims until then).
 */
import { freeUplinkIps, usesIpSpaces } from '../../vcd/gateways.ts';
import {
  allocationFromTask,
  floatingIpSuggestions,
  listAllocations,
  startFloatingIpAllocation,
  updateAllocation,
  type IpSpaceAllocation,
} from '../../vcd/ipSpaces.ts';
import { VcdError } from '../../vcd/errors.ts';
import { findOrphanedAllocation, mayHaveOrphan, untaggedIds } from '../orphaned-allocations.ts';
import {
  findResource,
  PhaseFailure,
  recordCreated,
  recordIntent,
  type ClusterScope,
  type RecordedResource,
} from '../scope.ts';

/** Uplink IPs this process handed out whose virtual service may not exist yet, per gateway. */
const pendingUplinkClaims = new Map<string, Map<string, number>>();
const CLAIM_HOLD_MS = 10 * 60_000;

function claimedUplinkIps(gatewayId: string): Set<string> {
  const claims = pendingUplinkClaims.get(gatewayId) ?? new Map<string, number>();
  pendingUplinkClaims.set(gatewayId, claims);
  const now = Date.now();
  for (const [ip, at] of claims) if (now - at > CLAIM_HOLD_MS) claims.delete(ip);
  return new Set(claims.keys());
}

/** Per-gateway queue so that two clusters of this process never pick the same free uplink IP. */
const gatewayLocks = new Map<string, Promise<unknown>>();
async function withGatewayLock<T>(gatewayId: string, work: () => Promise<T>): Promise<T> {
  const previous = gatewayLocks.get(gatewayId) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(work);
  gatewayLocks.set(gatewayId, next);
  try {
    return await next;
  } finally {
    if (gatewayLocks.get(gatewayId) === next) gatewayLocks.delete(gatewayId);
  }
}

export async function reserveVip(scope: ClusterScope, claim: string, purpose: string): Promise<string> {
  const gateway = scope.gateway!;
  if (usesIpSpaces(gateway)) return reserveFromIpSpace(scope, claim, purpose);
  const existing = findResource(scope.status, 'uplinkIp', claim);
  if (existing?.ip) return existing.ip;
  return withGatewayLock(gateway.id, async () => {
    const free = await freeUplinkIps(scope.tenant, gateway, claimedUplinkIps(gateway.id));
    const ip = free[0];
    if (!ip) {
      throw new PhaseFailure(
        'NoFreeUplinkIp',
        `Edge gateway "${gateway.name}" has no free IP left in its uplink ranges for the ${purpose} address.`,
        'Free an IP on the gateway or ask your provider for a larger range, then retry.',
      );
    }
    pendingUplinkClaims.get(gateway.id)!.set(ip, Date.now());
    await recordIntent(scope, { type: 'uplinkIp', id: ip, name: claim, ip, parentId: gateway.id, purpose });
    return ip;
  });
}

/** The record of an allocation under its claim, before VCD has given it an id. */
function allocationIntent(claim: string, ipSpaceId: string, purpose: string): RecordedResource {
  return { type: 'ipSpaceAllocation', id: claim, name: claim, parentId: ipSpaceId, purpose };
}

async function reserveFromIpSpace(scope: ClusterScope, claim: string, purpose: string): Promise<string> {
  const gateway = scope.gateway!;
  const recorded = findResource(scope.status, 'ipSpaceAllocation', claim);
  if (recorded?.ip && recorded.id !== claim) return recorded.ip;

  const spaces = await floatingIpSuggestions(scope.tenant, gateway.id);
  // An allocation already carrying our claim (a previous attempt got that far).
  for (const space of spaces) {
    const found = (await listAllocations(scope.tenant, space.ipSpaceRef.id)).find(
      (allocation) => allocation.description === claim,
    );
    if (found) {
      const ip = await adopt(scope, claim, purpose, space.ipSpaceRef.id, found);
      if (ip) return ip;
    }
  }
  // A recorded allocation task (the worker stopped between allocating and tagging).
  if (recorded?.task && recorded.parentId) {
    try {
      const allocation = await allocationFromTask(
        scope.tenant,
        recorded.parentId,
        recorded.task,
        scope.taskWait,
      );
      const ip = await adopt(scope, claim, purpose, recorded.parentId, allocation);
      if (ip) return ip;
    } catch (error) {
      scope.log.warn({ err: error, claim }, 'recorded IP allocation task gave nothing; allocating again');
    }
  }
  // The worker stopped between starting an allocation and recording its task.
  if (mayHaveOrphan(recorded)) {
    const orphan = await findOrphanedAllocation(scope, recorded);
    if (orphan) {
      scope.log.info(
        { claim, ip: orphan.value },
        'adopting the IP allocation an interrupted attempt left untagged',
      );
      const ip = await adopt(scope, claim, purpose, recorded.parentId, orphan);
      if (ip) return ip;
    }
  }
  const reasons: string[] = [];
  for (const space of spaces) {
    const ipSpaceId = space.ipSpaceRef.id;
    try {
      const untaggedBefore = untaggedIds(await listAllocations(scope.tenant, ipSpaceId));
      const intent = await recordIntent(scope, {
        ...allocationIntent(claim, ipSpaceId, purpose),
        untaggedBefore,
      });
      // An intent of an earlier attempt (or another IP space) is brought up to date before allocating.
      if (intent.untaggedBefore !== untaggedBefore)
        await recordCreated(scope, intent, { parentId: ipSpaceId, task: undefined, untaggedBefore });
      const task = await startFloatingIpAllocation(scope.tenant, ipSpaceId);
      await recordCreated(scope, intent, { task, parentId: ipSpaceId });
      const allocation = await allocationFromTask(scope.tenant, ipSpaceId, task, scope.taskWait);
      const ip = await adopt(scope, claim, purpose, ipSpaceId, allocation);
      if (ip) return ip;
      reasons.push(`${space.ipSpaceRef.name ?? ipSpaceId}: the allocated IP was taken by another claim`);
    } catch (error) {
      // Only our status writes send If-Match: a 412 means someone else wrote the entity (read again), not a refusal.
      if (error instanceof VcdError && error.status === 412) throw error;
      if (!(error instanceof VcdError) || error.status >= 500 || error.status === 0) throw error;
      reasons.push(`${space.ipSpaceRef.name ?? ipSpaceId}: ${error.message}`);
    }
  }
  throw new PhaseFailure(
    'IpQuotaExhausted',
    `No IP space usable on edge gateway "${gateway.name}" could allocate the ${purpose} address${reasons.length ? ` (${reasons.join('; ')})` : ''}.`,
    'Release unused floating IPs of your organisation or ask your provider for a larger IP quota, then retry.',
  );
}

/**
 * Tags an allocation with our claim and records it; answers its IP, or undefined when another claim holds it
 * (checked again after our write, since VCD offers no conditional update of an allocation).
 */
async function adopt(
  scope: ClusterScope,
  claim: string,
  purpose: string,
  ipSpaceId: string,
  allocation: IpSpaceAllocation,
): Promise<string | undefined> {
  if (allocation.description && allocation.description !== claim) return undefined;
  if (allocation.description !== claim || allocation.usageState !== 'USED_MANUAL') {
    await updateAllocation(
      scope.tenant,
      ipSpaceId,
      allocation,
      { usageState: 'USED_MANUAL', description: claim },
      scope.taskWait,
    );
    const now = (await listAllocations(scope.tenant, ipSpaceId)).find((a) => a.id === allocation.id);
    if (now?.description !== claim) return undefined;
  }
  const intent = await recordIntent(scope, allocationIntent(claim, ipSpaceId, purpose));
  await recordCreated(scope, intent, {
    id: allocation.id,
    ip: allocation.value,
    parentId: ipSpaceId,
    task: undefined,
    untaggedBefore: undefined,
  });
  return allocation.value;
}
