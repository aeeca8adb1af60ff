/**
 * Org VDCs and what they offer a cluster: compute policies (sizing and placement) and storage profiles. Paths and
 * shapes are cloudapi's (`/cloudapi/1.0.0/vdcs`, `/cloudapi/2.0.0/vdcs/{id}/computePolicies`,
 * `/cloudapi/1.0.0/orgVdcStorageProfiles` with `_context==<vdcId>`).
 */
import type { VcdClient } from './client.ts';
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

export interface StorageProfile {
  id: string;
  name: string;
  enabled?: boolean;
  default?: boolean;
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

export async function vdcStorageProfiles(client: VcdClient, vdcId: string): Promise<StorageProfile[]> {
  const profiles = await listAll<StorageProfile>(client, '/cloudapi/1.0.0/orgVdcStorageProfiles', {
    filter: { text: `_context==${vdcId}` },
  });
  return profiles.filter((profile) => profile.enabled !== false);
}
