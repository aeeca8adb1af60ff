import type { Ref } from './json.ts';

export interface IpRange {
  startAddress: string;
  endAddress: string;
}

/** `subnets.values[]` of external networks, edge gateway uplinks and org VDC networks. */
export interface Subnet {
  gateway: string;
  prefixLength: number;
  dnsSuffix: string;
  dnsServer1: string;
  dnsServer2: string;
  ipRanges: { values: IpRange[] };
  enabled: boolean;
  totalIpCount: number;
  usedIpCount: number;
  /** Only on edge gateway uplinks. */
  primaryIp?: string;
  autoAllocateIpRanges?: boolean;
}

/** Provider gateway (`/cloudapi/1.0.0/externalNetworks`). */
export interface ExternalNetwork {
  id: string;
  name: string;
  description: string;
  subnets: { values: Subnet[] };
  usingIpSpace: boolean;
  networkBackings: { values: { backingId: string; backingType: string; name: string }[] };
}

export interface EdgeGatewayUplink {
  uplinkId: string;
  uplinkName: string;
  subnets: { values: Subnet[] };
  connected: boolean;
  dedicated: boolean;
  usingIpSpace: boolean;
}

/** NSX-T edge gateway (`/cloudapi/1.0.0/edgeGateways`). */
export interface EdgeGateway {
  id: string;
  name: string;
  description: string;
  ownerRef: Ref;
  orgVdc: Ref;
  orgRef: Ref;
  edgeGatewayUplinks: EdgeGatewayUplink[];
  distributedRoutingEnabled: boolean;
  gatewayBacking: { backingId: string; gatewayType: 'NSXT_BACKED'; networkProvider: Ref };
  status: 'REALIZED';
}

/** `edgeGateways/{id}/loadBalancer` (NsxtAlbConfig). */
export interface AlbGatewaySettings {
  enabled: boolean;
  supportedFeatureSet: 'STANDARD' | 'PREMIUM';
  loadBalancerCloudRef: Ref | null;
  serviceNetworkDefinition: string;
  transparentModeEnabled: boolean;
}

/** Org VDC network (`/cloudapi/1.0.0/orgVdcNetworks`). */
export interface OrgVdcNetwork {
  id: string;
  name: string;
  description: string;
  orgRef: Ref;
  ownerRef: Ref;
  orgVdc: Ref;
  networkType: 'NAT_ROUTED' | 'ISOLATED';
  connection: { routerRef: Ref; connectionType: 'INTERNAL' } | null;
  subnets: { values: Subnet[] };
  status: 'REALIZED';
  shared: boolean;
}

export interface AlbController {
  id: string;
  name: string;
  url: string;
  username: string;
  version: string;
}

export interface AlbCloud {
  id: string;
  name: string;
  loadBalancerControllerRef: Ref;
  backingId: string;
  backingType: 'NSXT_CLOUD';
  healthStatus: 'UP';
}

export interface ServiceEngineGroup {
  id: string;
  name: string;
  description: string;
  serviceEngineGroupBacking: { backingId: string; backingType: string; loadBalancerCloudRef: Ref };
  haMode: 'ELASTIC_N_PLUS_M_BUFFER' | 'ELASTIC_ACTIVE_ACTIVE' | 'LEGACY_ACTIVE_STANDBY';
  reservationType: 'DEDICATED' | 'SHARED';
  maxVirtualServices: number;
  numDeployedVirtualServices: number;
  reservedVirtualServices: number;
  overAllocated: boolean;
  supportedFeatureSet: 'STANDARD' | 'PREMIUM';
}

export interface ServiceEngineGroupAssignment {
  id: string;
  gatewayRef: Ref;
  serviceEngineGroupRef: Ref;
  gatewayOrgRef: Ref;
  gatewayOwnerRef: Ref;
  maxVirtualServices: number;
  minVirtualServices: number;
  numDeployedVirtualServices: number;
}

export interface IpSpaceRange {
  startIpAddress: string;
  endIpAddress: string;
  totalIpCount: string;
  allocatedIpCount: string;
}

/** `/cloudapi/1.0.0/ipSpaces` (utilisation counts are strings, as VCD sends them). */
export interface IpSpace {
  id: string;
  name: string;
  description: string;
  type: 'PUBLIC' | 'PRIVATE' | 'SHARED_SERVICES';
  orgRef: Ref | null;
  ipSpaceInternalScope: string[];
  ipSpaceExternalScope: string;
  ipSpaceRanges: { ipRanges: IpSpaceRange[]; defaultFloatingIpQuota: number };
  ipSpacePrefixes: {
    ipPrefixSequence: { startingPrefixIpAddress: string; prefixLength: number; totalPrefixCount: number }[];
    defaultQuotaForPrefixLength: number;
  }[];
  routeAdvertisementEnabled: boolean;
  status: 'REALIZED';
}

export interface IpSpaceUplink {
  id: string;
  name: string;
  externalNetworkRef: Ref;
  ipSpaceRef: Ref;
  ipSpaceType: IpSpace['type'];
  status: 'REALIZED';
}

/** Per-org custom quotas (`ipSpaces/orgAssignments`). */
export interface IpSpaceOrgAssignment {
  id: string;
  ipSpaceRef: Ref;
  orgRef: Ref;
  ipSpaceType: IpSpace['type'];
  customQuotas: { floatingIpQuota: number | null; ipPrefixQuotas: { prefixLength: number; quota: number }[] };
}

/** `ipSpaces/{id}/allocations/{allocId}`; `ipSpaceId` is the simulator's link to the parent. */
export interface IpSpaceAllocation {
  id: string;
  ipSpaceId: string;
  type: 'FLOATING_IP' | 'IP_PREFIX';
  value: string;
  description: string;
  orgRef: Ref;
  usageState: 'UNUSED' | 'USED' | 'USED_MANUAL';
  usageCategories: string[];
  usedByRef: Ref | null;
  allocationDate: string;
}
