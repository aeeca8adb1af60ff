/**
 * Our rights, the rights bundle and the two global roles `cse install` creates. Service rights are created on
 * the API extension, and VCD names them `{<namespace>}:<name>`; the RDE type's rights are created by VCD when the
 * type is registered, and are picked by access level (`typeRightLevels`).
 */
import rightsJson from './rights.json' with { type: 'json' };

export interface ServiceRightDefinition {
  name: string;
  description: string;
}

export type TypeRightSelection = 'all' | 'author' | 'viewer';

export interface RoleDefinition {
  name: string;
  description: string;
  /** Names without the `{cse}:` prefix. */
  serviceRights: string[];
  typeRights: TypeRightSelection;
  /** VCD's own rights, by name; rights a VCD does not know are skipped with a warning. */
  rights: string[];
}

export interface RightsDefinitions {
  serviceNamespace: string;
  serviceRightsCategory: string;
  serviceRights: ServiceRightDefinition[];
  typeRightLevels: { author: string[]; viewer: string[] };
  rightsBundle: RoleDefinition;
  roles: RoleDefinition[];
}

export const rightsDefinitions = rightsJson as RightsDefinitions;

/** The name VCD gives a right created on our extension service. */
export function serviceRightName(name: string, namespace = rightsDefinitions.serviceNamespace): string {
  return `{${namespace}}:${name}`;
}

/** The rights routes require, by what they allow. */
export const cseRights = {
  view: serviceRightName('Kubernetes Cluster: View'),
  manage: serviceRightName('Kubernetes Cluster: Manage'),
  administer: serviceRightName('Kubernetes Cluster: Administer'),
} as const;
