/**
 * What one reconcile pass knows about a cluster: the entity as read (and its ETag), the status being changed, the
 * provider settings, clients, and what earlier phases learned (VDC, network, gateway). Phases share this one
 * signature; `checkpoint` is how a phase records an object before creating it.
 */
import type { Logger } from 'pino';
import type { VcdClient } from '../vcd/client.ts';
import type { OrgVdc } from '../vcd/vdcs.ts';
import type { OrgVdcNetwork } from '../vcd/networks.ts';
import type { EdgeGateway } from '../vcd/gateways.ts';
import type { TaskWaitOptions } from '../vcd/tasks.ts';
import type { ProviderSettings } from './provider-settings.ts';
import type { ClusterNames } from './names.ts';
import type { SecretSource } from './secrets.ts';
import type { ClusterResource, ClusterSecrets, ClusterStatus, CompleteClusterSpec } from './spec.ts';
import type { StoredCluster } from './store.ts';

/** A recorded VCD object, with what the sweep needs to delete it. */
export type RecordedResource = ClusterResource & {
  /** Gateway of pools and virtual services; IP space of allocations. */
  parentId?: string;
  /** Address of VIPs (allocations and uplink IPs). */
  ip?: string;
  /** Task creating the object, recorded so a restart can read its result (IP space allocations). */
  task?: string;
  /** Untagged IP allocations that existed before ours was started (finds an allocation orphaned by a crash). */
  untaggedBefore?: string[];
};

export type ResourceType = 'ipSpaceAllocation' | 'uplinkIp' | 'loadBalancerPool' | 'virtualService' | 'vApp';

export interface PhaseOutcome {
  /** Undefined: the phase is done, go on. A string: what the pass waits for (a condition reason for people). */
  waitFor?: string;
  /** When to look again (a deadline or a poll); a wake-up from a report comes sooner. */
  retryAfterMs?: number;
}

export const DONE: PhaseOutcome = {};

export class PhaseFailure extends Error {
  override readonly name = 'PhaseFailure';
  constructor(
    readonly reason: string,
    message: string,
    /** What the user can do about it. */
    readonly action = 'Retry the cluster, or delete it.',
  ) {
    super(message);
  }
}

export interface ClusterScope {
  readonly id: string;
  stored: StoredCluster;
  readonly spec: CompleteClusterSpec;
  readonly status: ClusterStatus;
  readonly org: { id: string; name: string };
  readonly names: ClusterNames;
  readonly settings: ProviderSettings;
  /** The service account acting in the cluster's org. */
  readonly tenant: VcdClient;
  readonly secrets: SecretSource;
  readonly log: Logger;
  readonly taskWait: TaskWaitOptions;
  now(): Date;
  /** Persists the status now (and renews the lease); throws on a conflicting write. */
  checkpoint(renewLease?: boolean): Promise<void>;
  vdc?: OrgVdc;
  network?: OrgVdcNetwork;
  gateway?: EdgeGateway;
  readSecrets(): Promise<ClusterSecrets>;
}

export type Phase = (scope: ClusterScope) => Promise<PhaseOutcome>;

export function resources(status: ClusterStatus): RecordedResource[] {
  status.resources ??= [];
  return status.resources as RecordedResource[];
}

export function findResource(
  status: ClusterStatus,
  type: ResourceType,
  name: string,
): RecordedResource | undefined {
  return resources(status).find((resource) => resource.type === type && resource.name === name);
}

/** Records an object about to be created (id = its deterministic name until VCD gives one) and persists it. */
export async function recordIntent(
  scope: ClusterScope,
  resource: RecordedResource,
): Promise<RecordedResource> {
  const existing = findResource(scope.status, resource.type as ResourceType, resource.name ?? resource.id);
  if (existing) return existing;
  resources(scope.status).push(resource);
  await scope.checkpoint();
  return resource;
}

export async function recordCreated(
  scope: ClusterScope,
  resource: RecordedResource,
  change: Partial<RecordedResource>,
): Promise<void> {
  Object.assign(resource, change);
  await scope.checkpoint();
}

export function forgetResource(status: ClusterStatus, resource: RecordedResource): void {
  status.resources = resources(status).filter((candidate) => candidate !== resource);
}
