/**
 * Org VDCs and what they offer a cluster: compute policies (sizing and placement) and storage policies. Paths and
 * shapes are cloudapi's (`/cloudapi/1.0.0/vdcs`, `/cloudapi/2.0.0/vdcs/{id}/computePolicies`,
 * `/cloudapi/1.0.0/orgVdcStoragePolicies`, VCD's OpenAPI as CAPVCD vendors it in
 * `vendor/github.com/vmware/cloud-provider-for-cloud-director/pkg/vcdswaggerclient_37_2/api_org_vdc_storage_policy.go`).
 */
import type { VcdClient } from './client.ts';
import { VcdError } from './errors.ts';
import { eq } from './fiql.ts';
import { listAll } from './paging.ts';

export interface OrgVdc {
  id: string;
  name: string;
  org?: { id: string; name?: string };
}

export interface ComputePolicy {
  id: string;
  name: string;
  isSizingOnly?: boolean;
  cpuCount?: number | null;
  memory?: number | null;
  namedVmGroups?: unknown[] | null;
  logicalVmGroupReferences?: unknown[] | null;
}

/**
 * `OrgVdcStoragePolicy` (`model_org_vdc_storage_policy.go` in the same swagger client): VCD's UI and the legacy API
 * call it a storage profile, and so does our own API (`storageProfile` in a cluster's spec).
 */
export interface OrgVdcStoragePolicy {
  id: string;
  name: string;
  /** Absent means enabled (VCD's default). */
  isEnabled?: boolean;
  isDefaultStoragePolicy?: boolean;
  storageLimitMb?: number;
  orgVdcRef?: { id: string; name?: string } | null;
  pvdcStoragePolicyRef?: { id: string; name?: string } | null;
}

export async function findVdcByName(client: VcdClient, name: string): Promise<OrgVdc | undefined> {
  const values = await listAll<OrgVdc>(client, '/cloudapi/1.0.0/vdcs', { filter: eq('name', name) });
  return values.find((vdc) => vdc.name === name);
}

export function listVdcs(client: VcdClient): Promise<OrgVdc[]> {
  return listAll<OrgVdc>(client, '/cloudapi/1.0.0/vdcs');
}

export function vdcComputePolicies(client: VcdClient, vdcId: string): Promise<ComputePolicy[]> {
  return listAll<ComputePolicy>(client, `/cloudapi/2.0.0/vdcs/${encodeURIComponent(vdcId)}/computePolicies`);
}

/** A placement policy names VM groups; everything else assigned to the VDC sizes VMs. */
export function isPlacementPolicy(policy: ComputePolicy): boolean {
  return (
    Boolean(policy.namedVmGroups?.length || policy.logicalVmGroupReferences?.length) && !policy.isSizingOnly
  );
}

const STORAGE_POLICIES = '/cloudapi/1.0.0/orgVdcStoragePolicies';

/**
 * The VDC's enabled storage policies. No public client shows which filter fields the endpoint takes; the model's
 * own path `orgVdcRef.id` is asked for, a VCD that refuses it (400) is read whole, and the VDC is checked here
 * either way.
 */
export async function vdcStoragePolicies(client: VcdClient, vdcId: string): Promise<OrgVdcStoragePolicy[]> {
  const policies = await listAll<OrgVdcStoragePolicy>(client, STORAGE_POLICIES, {
    filter: eq('orgVdcRef.id', vdcId),
  }).catch((error: unknown) => {
    if (error instanceof VcdError && error.status === 400)
      return listAll<OrgVdcStoragePolicy>(client, STORAGE_POLICIES);
    throw error;
  });
  return policies.filter((policy) => policy.orgVdcRef?.id === vdcId && policy.isEnabled !== false);
}
