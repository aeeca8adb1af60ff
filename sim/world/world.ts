import type { GlobalRole, OrgRole, Right, RightsBundle, RightsCategory } from './access.ts';
import type { Catalog, OrgVdc, OrgVdcStorageProfile, VAppTemplate, VdcComputePolicy } from './compute.ts';
import type { ApiToken, OAuthClient, Session } from './credentials.ts';
import type { Collection } from './json.ts';
import type {
  AlbCloud,
  AlbController,
  AlbGatewaySettings,
  EdgeGateway,
  ExternalNetwork,
  IpSpace,
  IpSpaceAllocation,
  IpSpaceOrgAssignment,
  IpSpaceUplink,
  OrgVdcNetwork,
  ServiceEngineGroup,
  ServiceEngineGroupAssignment,
} from './networking.ts';
import type { TaskRecord } from './tasks.ts';
import type { Org, User } from './tenancy.ts';

export interface WorldMeta {
  schemaVersion: 1;
  seed: number;
  /** Next counter for `seededUuid`; persisted so a loaded world keeps minting fresh ids. */
  idCounter: number;
  /** Changes on every seed/reset so ETags from an earlier world never match. */
  generation: string;
  /** HMAC key of the JWT-like bearer tokens. */
  tokenSecret: string;
  /** Site id reported in sessions. */
  siteId: string;
}

/**
 * The whole simulated Cloud Director, as plain JSON. Core collections are typed fields; API areas
 * added later keep their own state in `slices` (see `slices.ts`), so they never edit this file.
 */
export interface World {
  meta: WorldMeta;
  orgs: Collection<Org>;
  users: Collection<User>;
  rights: Collection<Right>;
  rightsCategories: Collection<RightsCategory>;
  rightsBundles: Collection<RightsBundle>;
  globalRoles: Collection<GlobalRole>;
  roles: Collection<OrgRole>;
  sessions: Collection<Session>;
  apiTokens: Collection<ApiToken>;
  oauthClients: Collection<OAuthClient>;
  tasks: Collection<TaskRecord>;
  /** ETag versions of objects updated through `sim/http/etag.ts`, by object id. */
  objectVersions: Collection<number>;
  vdcs: Collection<OrgVdc>;
  computePolicies: Collection<VdcComputePolicy>;
  storageProfiles: Collection<OrgVdcStorageProfile>;
  catalogs: Collection<Catalog>;
  vAppTemplates: Collection<VAppTemplate>;
  externalNetworks: Collection<ExternalNetwork>;
  edgeGateways: Collection<EdgeGateway>;
  /** ALB settings by edge gateway id. */
  albGatewaySettings: Collection<AlbGatewaySettings>;
  orgVdcNetworks: Collection<OrgVdcNetwork>;
  albControllers: Collection<AlbController>;
  albClouds: Collection<AlbCloud>;
  serviceEngineGroups: Collection<ServiceEngineGroup>;
  serviceEngineGroupAssignments: Collection<ServiceEngineGroupAssignment>;
  ipSpaces: Collection<IpSpace>;
  ipSpaceUplinks: Collection<IpSpaceUplink>;
  ipSpaceOrgAssignments: Collection<IpSpaceOrgAssignment>;
  ipSpaceAllocations: Collection<IpSpaceAllocation>;
  /** State of API areas registered with `defineSlice`, by slice name. */
  slices: Record<string, unknown>;
}

export function emptyWorld(meta: WorldMeta): World {
  return {
    meta,
    orgs: {},
    users: {},
    rights: {},
    rightsCategories: {},
    rightsBundles: {},
    globalRoles: {},
    roles: {},
    sessions: {},
    apiTokens: {},
    oauthClients: {},
    tasks: {},
    objectVersions: {},
    vdcs: {},
    computePolicies: {},
    storageProfiles: {},
    catalogs: {},
    vAppTemplates: {},
    externalNetworks: {},
    edgeGateways: {},
    albGatewaySettings: {},
    orgVdcNetworks: {},
    albControllers: {},
    albClouds: {},
    serviceEngineGroups: {},
    serviceEngineGroupAssignments: {},
    ipSpaces: {},
    ipSpaceUplinks: {},
    ipSpaceOrgAssignments: {},
    ipSpaceAllocations: {},
    slices: {},
  };
}
