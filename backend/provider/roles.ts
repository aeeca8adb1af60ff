/**
 * Our rights bundle and the global roles "Kubernetes Cluster Author" and "Kubernetes Cluster Viewer", published to
 * all tenants. Their rights: VCD's own rights from `behaviours/rights.json`, our service rights, and the rights VCD
 * created for our entity type (found in the type's `<vendor>:<nss> Entitlement` bundle). Roles of the same name
 * that an org made itself before the install get our rights added, so their users can use CSE at once.
 */
import { CLUSTER_NSS, CLUSTER_VENDOR } from '../../behaviours/index.ts';
import {
  rightsDefinitions,
  serviceRightName,
  type RoleDefinition,
  type TypeRightSelection,
} from '../../behaviours/rights.ts';
import type { VcdClient } from '../vcd/client.ts';
import { eq } from '../vcd/fiql.ts';
import { listAll } from '../vcd/paging.ts';
import {
  containerRights,
  createContainer,
  deleteContainer,
  findContainer,
  findRights,
  publishContainerToAll,
  setContainerRights,
  type ContainerKind,
  type RightsContainer,
  type VcdRight,
} from '../vcd/rights.ts';
import { InstallReport } from './report.ts';

type TypeRightLevel = 'view' | 'modify' | 'fullControl' | 'adminView' | 'adminFullControl';

/** VCD's UI and docs use two naming styles for type rights; both are recognised. */
export function typeRightLevel(name: string): TypeRightLevel | undefined {
  const level = name.slice(name.lastIndexOf(':') + 1).trim();
  if (/^Administrator Full/i.test(level)) return 'adminFullControl';
  if (/^Administrator View/i.test(level)) return 'adminView';
  if (/^Full (Control|Access)/i.test(level)) return 'fullControl';
  if (/^(Modify|Edit)/i.test(level)) return 'modify';
  if (/^View/i.test(level)) return 'view';
  return undefined;
}

const selections: Record<TypeRightSelection, readonly TypeRightLevel[]> = {
  all: ['view', 'modify', 'fullControl', 'adminView', 'adminFullControl'],
  author: ['view', 'modify', 'fullControl', 'adminView'],
  viewer: ['view', 'adminView'],
};

export const typeEntitlementBundleName = `${CLUSTER_VENDOR}:${CLUSTER_NSS} Entitlement`;

async function typeRights(vcd: VcdClient): Promise<VcdRight[]> {
  const bundle = await findContainer(vcd, 'rightsBundles', typeEntitlementBundleName);
  if (bundle?.id) return containerRights(vcd, 'rightsBundles', bundle.id);
  // Older VCDs: no bundle, rights named after the type.
  const prefix = `${CLUSTER_VENDOR}:${CLUSTER_NSS}:`.toLowerCase();
  const all = await listAll<VcdRight>(vcd, '/cloudapi/1.0.0/rights');
  return all.filter((right) => right.name.toLowerCase().startsWith(prefix));
}

interface ResolvedRights {
  general: Map<string, VcdRight>;
  service: Map<string, VcdRight>;
  type: VcdRight[];
}

async function resolveRights(
  vcd: VcdClient,
  namespace: string,
  report: InstallReport,
): Promise<ResolvedRights> {
  const generalNames = [
    ...new Set([rightsDefinitions.rightsBundle, ...rightsDefinitions.roles].flatMap((role) => role.rights)),
  ];
  const general = await findRights(vcd, generalNames);
  const missing = generalNames.filter((name) => !general.has(name));
  if (missing.length) report.record('VCD rights not found', 'skipped', missing.join(', '));
  const serviceNames = rightsDefinitions.serviceRights.map((right) =>
    serviceRightName(right.name, namespace),
  );
  const service = await findRights(vcd, serviceNames);
  return { general, service, type: await typeRights(vcd) };
}

function rightsFor(definition: RoleDefinition, resolved: ResolvedRights, namespace: string): VcdRight[] {
  const wanted = new Map<string, VcdRight>();
  for (const name of definition.rights) {
    const right = resolved.general.get(name);
    if (right) wanted.set(right.id, right);
  }
  for (const name of definition.serviceRights) {
    const right = resolved.service.get(serviceRightName(name, namespace));
    if (right) wanted.set(right.id, right);
  }
  const levels = selections[definition.typeRights];
  for (const right of resolved.type) {
    const level = typeRightLevel(right.name);
    if (level && levels.includes(level)) wanted.set(right.id, right);
  }
  return [...wanted.values()];
}

/** Only the rights install adds to roles it did not create (service and type rights). */
function cseOwnRights(definition: RoleDefinition, resolved: ResolvedRights, namespace: string): VcdRight[] {
  return rightsFor({ ...definition, rights: [] }, resolved, namespace);
}

function sameIds(a: readonly { id: string }[], b: readonly { id: string }[]): boolean {
  const left = new Set(a.map((right) => right.id));
  return left.size === new Set(b.map((right) => right.id)).size && b.every((right) => left.has(right.id));
}

async function ensureContainer(
  vcd: VcdClient,
  kind: ContainerKind,
  definition: RoleDefinition,
  rights: VcdRight[],
  report: InstallReport,
): Promise<void> {
  const label = `${kind === 'rightsBundles' ? 'rights bundle' : 'global role'} ${definition.name}`;
  let container: RightsContainer | undefined = await findContainer(vcd, kind, definition.name);
  let outcome: 'created' | 'updated' | 'unchanged' = 'unchanged';
  if (!container) {
    container = await createContainer(vcd, kind, {
      name: definition.name,
      description: definition.description,
    });
    outcome = 'created';
  }
  const id = container.id!;
  if (!sameIds(await containerRights(vcd, kind, id), rights)) {
    await setContainerRights(vcd, kind, id, rights);
    if (outcome === 'unchanged') outcome = 'updated';
  }
  // Published to all when created; afterwards which tenants have it is the provider's choice (cse tenants
  // publish/unpublish), which a later install keeps.
  if (outcome === 'created') await publishContainerToAll(vcd, kind, id);
  report.record(
    label,
    outcome,
    `${rights.length} rights${outcome === 'created' ? ', published to all tenants' : ''}`,
  );
}

interface OrgRole {
  id: string;
  name: string;
  readOnly?: boolean;
}

async function tenantOrgs(vcd: VcdClient): Promise<{ id: string; name: string }[]> {
  const orgs = await listAll<{ id: string; name: string }>(vcd, '/cloudapi/1.0.0/orgs');
  return orgs.filter((org) => org.name !== 'System');
}

/** Roles an org made itself with one of our role names (global roles show up there read-only). */
async function sameNamedOrgRoles(vcd: VcdClient, orgId: string, name: string): Promise<OrgRole[]> {
  const roles = await listAll<OrgRole>(vcd.withTenant(orgId), '/cloudapi/1.0.0/roles', {
    filter: eq('name', name),
  });
  return roles.filter((role) => role.name === name && role.readOnly !== true);
}

export async function installRolesAndBundle(
  vcd: VcdClient,
  namespace: string,
  report: InstallReport,
): Promise<void> {
  const resolved = await resolveRights(vcd, namespace, report);
  await ensureContainer(
    vcd,
    'rightsBundles',
    rightsDefinitions.rightsBundle,
    rightsFor(rightsDefinitions.rightsBundle, resolved, namespace),
    report,
  );
  for (const role of rightsDefinitions.roles) {
    await ensureContainer(vcd, 'globalRoles', role, rightsFor(role, resolved, namespace), report);
  }
  for (const org of await tenantOrgs(vcd)) {
    for (const definition of rightsDefinitions.roles) {
      for (const role of await sameNamedOrgRoles(vcd, org.id, definition.name)) {
        const tenant = vcd.withTenant(org.id);
        const current = await containerRights(tenant, 'roles', role.id);
        const have = new Set(current.map((right) => right.id));
        const added = cseOwnRights(definition, resolved, namespace).filter((right) => !have.has(right.id));
        const label = `org role ${definition.name} in ${org.name}`;
        if (added.length === 0) report.record(label, 'unchanged');
        else {
          await setContainerRights(tenant, 'roles', role.id, [...current, ...added]);
          report.record(label, 'updated', `${added.length} CSE rights added`);
        }
      }
    }
  }
}

export async function removeRolesAndBundle(
  vcd: VcdClient,
  namespace: string,
  report: InstallReport,
): Promise<void> {
  const resolved = await resolveRights(vcd, namespace, new InstallReport());
  for (const org of await tenantOrgs(vcd)) {
    for (const definition of rightsDefinitions.roles) {
      for (const role of await sameNamedOrgRoles(vcd, org.id, definition.name)) {
        const tenant = vcd.withTenant(org.id);
        const ours = new Set(cseOwnRights(definition, resolved, namespace).map((right) => right.id));
        const current = await containerRights(tenant, 'roles', role.id);
        const kept = current.filter((right) => !ours.has(right.id));
        if (kept.length !== current.length) {
          await setContainerRights(tenant, 'roles', role.id, kept);
          report.record(`org role ${definition.name} in ${org.name}`, 'updated', 'CSE rights removed');
        }
      }
    }
  }
  for (const [kind, definition] of [
    ...rightsDefinitions.roles.map((role) => ['globalRoles', role] as const),
    ['rightsBundles', rightsDefinitions.rightsBundle] as const,
  ]) {
    const label = `${kind === 'rightsBundles' ? 'rights bundle' : 'global role'} ${definition.name}`;
    const container = await findContainer(vcd, kind, definition.name);
    if (!container?.id) {
      report.record(label, 'absent');
      continue;
    }
    await deleteContainer(vcd, kind, container.id);
    report.record(label, 'removed');
  }
}

/** The bundle VCD made when our type was registered; it outlives the type, so uninstall removes it too. */
export async function removeTypeEntitlement(vcd: VcdClient, report: InstallReport): Promise<void> {
  const bundle = await findContainer(vcd, 'rightsBundles', typeEntitlementBundleName);
  if (!bundle?.id) return;
  await deleteContainer(vcd, 'rightsBundles', bundle.id);
  report.record(`rights bundle ${typeEntitlementBundleName}`, 'removed');
}
