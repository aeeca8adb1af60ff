/**
 * The per-cluster lease in `status.operation.lease`: who works on the cluster and until when. Taken and renewed
 * by ETag-guarded writes, so of two replicas only one holds it; after `expiresAt` any replica may take over.
 */
import type { ClusterStatus } from './spec.ts';

export function leaseHolder(status: ClusterStatus | undefined, now: Date): string | undefined {
  const lease = status?.operation?.lease;
  if (!lease) return undefined;
  return Date.parse(lease.expiresAt) > now.getTime() ? lease.holder : undefined;
}

/** Whether `holder` may work on the cluster now (free, expired, or already its own). */
export function mayTake(status: ClusterStatus | undefined, holder: string, now: Date): boolean {
  const current = leaseHolder(status, now);
  return current === undefined || current === holder;
}

/** Milliseconds until someone else's lease expires (0 when free). */
export function leaseRemainingMs(status: ClusterStatus | undefined, now: Date): number {
  const lease = status?.operation?.lease;
  return lease ? Math.max(0, Date.parse(lease.expiresAt) - now.getTime()) : 0;
}

export function setLease(status: ClusterStatus, holder: string, now: Date, leaseMs: number): void {
  const operation = status.operation ?? { name: 'create' as const };
  operation.lease = { holder, expiresAt: new Date(now.getTime() + leaseMs).toISOString() };
  status.operation = operation;
}

export function clearLease(status: ClusterStatus): void {
  if (status.operation) delete status.operation.lease;
}
