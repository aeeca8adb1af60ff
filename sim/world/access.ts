/** Rights, bundles and roles, in the cloudapi shapes (ids are `urn:vcloud:right:…` etc.). */
export interface Right {
  id: string;
  name: string;
  description: string;
  bundleKey: string;
  category: string;
  serviceNamespace: string;
  rightType: 'VIEW' | 'MODIFY';
  impliedRights: { id: string; name: string }[];
  /** Provider-only rights are never entitled to a tenant org. */
  providerOnly: boolean;
}

export interface RightsCategory {
  id: string;
  name: string;
  bundleKey: string;
  parent: string | null;
}

export interface RightsBundle {
  id: string;
  name: string;
  description: string;
  bundleKey: string;
  readOnly: boolean;
  publishAll: boolean;
  rightIds: string[];
  /** Orgs it is published to (ignored while `publishAll`). */
  tenantIds: string[];
}

export interface GlobalRole {
  id: string;
  name: string;
  description: string;
  bundleKey: string;
  readOnly: boolean;
  publishAll: boolean;
  rightIds: string[];
  tenantIds: string[];
}

/**
 * A role of one org. A global role published to an org shows up there as an org role linked to it
 * (`globalRoleId`), whose rights are the global role's.
 */
export interface OrgRole {
  id: string;
  name: string;
  description: string;
  bundleKey: string;
  readOnly: boolean;
  orgId: string;
  rightIds: string[];
  globalRoleId?: string;
}
