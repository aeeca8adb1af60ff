import type { Ref } from './json.ts';

/** Org VDC, close to the cloudapi `vdcs` shape, with the ids of its policies and storage. */
export interface OrgVdc {
  id: string;
  name: string;
  description: string;
  org: Ref;
  allocationType: 'Flex' | 'AllocationVApp' | 'AllocationPool' | 'ReservationPool';
  isEnabled: boolean;
  computeProviderScope: string;
  networkProviderScope: string;
  computeCapacity: {
    cpu: { allocated: number; limit: number; used: number; units: 'MHz' };
    memory: { allocated: number; limit: number; used: number; units: 'MB' };
  };
  vmQuota: number;
  computePolicyIds: string[];
  defaultComputePolicyId: string;
  storageProfileIds: string[];
}

/** VDC compute policy v2 (`/cloudapi/2.0.0/vdcComputePolicies`); the TKG sizing policies. */
export interface VdcComputePolicy {
  id: string;
  name: string;
  description: string;
  policyType: 'VdcVmPolicy';
  isSizingOnly: boolean;
  isVgpuPolicy: boolean;
  cpuCount: number | null;
  coresPerSocket: number | null;
  /** MB */
  memory: number | null;
}

/**
 * Org VDC storage profile, as the legacy API names it (`/api/vdcStorageProfile/{id}`); cloudapi serves it as an
 * `OrgVdcStoragePolicy` (`/cloudapi/1.0.0/orgVdcStoragePolicies`).
 */
export interface OrgVdcStorageProfile {
  id: string;
  name: string;
  vdc: Ref;
  enabled: boolean;
  default: boolean;
  limit: number;
  used: number;
  units: 'MB';
  iopsLimit: number;
}

export interface Catalog {
  id: string;
  name: string;
  description: string;
  org: Ref;
  isPublished: boolean;
  isShared: boolean;
  /** Orgs it is shared with read-only (catalog access control). */
  sharedWithOrgIds: string[];
  creationDate: string;
}

/** One OVF product section property (`ProductSectionList` → `ProductSection` → `Property`). */
export interface ProductProperty {
  key: string;
  label: string;
  type: 'string' | 'boolean' | 'int';
  defaultValue: string;
  value: string;
  userConfigurable: boolean;
  description: string;
}

export interface ProductSection {
  info: string;
  product: string;
  vendor: string;
  version: string;
  fullVersion: string;
  properties: ProductProperty[];
}

export interface VAppTemplateVm {
  id: string;
  name: string;
  osType: string;
  cpuCount: number;
  memoryMb: number;
  diskSizeMb: number;
  productSections: ProductSection[];
}

/** A vApp template in a catalog; TKG templates carry `VERSION` in their VM's product section. */
export interface VAppTemplate {
  id: string;
  name: string;
  description: string;
  catalog: Ref;
  org: Ref;
  /** VCD's numeric status: 8 = resolved (ready). */
  status: number;
  creationDate: string;
  vms: VAppTemplateVm[];
}
