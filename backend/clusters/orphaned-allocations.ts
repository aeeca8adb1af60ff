/**
 * The one gap recording cannot close on its own: a worker killed after VCD accepted an IP space allocation but
 * before the allocation task was recorded. VCD gives an allocation no tag until we set its description, so the
 * intent records which untagged allocations existed before the allocation started; an untagged, unused allocation
 * that appeared since, and is still untagged after any live allocator would have tagged its own, is the orphan.
 */
import { listAllocations, type IpSpaceAllocation } from '../vcd/ipSpaces.ts';
import type { ClusterScope, RecordedResource } from './scope.ts';

/** Untagged allocations nobody uses: what an allocation is between its task's end and our tag. */
export function isUntagged(allocation: IpSpaceAllocation): boolean {
  return !allocation.description && (allocation.usageState ?? 'UNUSED') === 'UNUSED';
}

export function untaggedIds(allocations: IpSpaceAllocation[]): string[] {
  return allocations.filter(isUntagged).map((allocation) => allocation.id);
}

/** An intent whose allocation may exist untracked: recorded with a snapshot, and no task or id since. */
export function mayHaveOrphan(resource: RecordedResource | undefined): resource is RecordedResource & {
  parentId: string;
  untaggedBefore: string[];
} {
  return (
    !!resource &&
    resource.type === 'ipSpaceAllocation' &&
    resource.id === resource.name &&
    !resource.task &&
    !!resource.parentId &&
    Array.isArray(resource.untaggedBefore)
  );
}

/**
 * The allocation orphaned by an interrupted allocate, if any. Waits two task polls and a second before trusting a
 * candidate: an allocation of a live worker (this cluster's or another's) is tagged as soon as its task is seen done.
 */
export async function findOrphanedAllocation(
  scope: Pick<ClusterScope, 'tenant' | 'taskWait'>,
  resource: RecordedResource & { parentId: string; untaggedBefore: string[] },
): Promise<IpSpaceAllocation | undefined> {
  const settleMs = 2 * (scope.taskWait.maxPollMs ?? 2000) + 1000;
  const before = new Set(resource.untaggedBefore);
  const candidates = async () =>
    (await listAllocations(scope.tenant, resource.parentId)).filter(
      (allocation) => isUntagged(allocation) && !before.has(allocation.id),
    );
  const first = await candidates();
  if (first.length === 0) return undefined;
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  const stillUntagged = new Set((await candidates()).map((allocation) => allocation.id));
  return first.find((allocation) => stillUntagged.has(allocation.id));
}
