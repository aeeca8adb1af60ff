import type { GlobalRole, OrgRole, Right, RightsBundle } from './access.ts';
import { seededLogins } from './logins.ts';
import type { IdSource } from './store.ts';
import type { Org, User } from './tenancy.ts';
import type { World } from './world.ts';

interface SeedRight {
  name: string;
  providerOnly?: boolean;
}

/**
 * VCD right names: those a Kubernetes cluster author needs (reference `vcd-rde-and-cse.md`
 * §2.2–2.3), plus the ones the simulator checks for its own endpoints. Names the reference does
 * not give are guessed from VCD's naming and listed in `sim/README.md`.
 */
export const seedRights: readonly SeedRight[] = [
  { name: 'Access All Organization VDCs' },
  { name: 'API Tokens: Manage' },
  { name: 'API Tokens: Manage All' },
  { name: 'Catalog: Add vApp from My Cloud' },
  { name: 'Catalog: Create / Delete a Catalog' },
  { name: 'Catalog: Edit Properties' },
  { name: 'Catalog: Sharing' },
  { name: 'Catalog: View Private and Shared Catalogs' },
  { name: 'Catalog: View Published Catalogs' },
  { name: 'Certificate Library: Manage' },
  { name: 'Certificate Library: View' },
  { name: 'General: Administrator Control' },
  { name: 'General: Administrator View' },
  { name: 'General: View Error Details' },
  { name: 'Global Role: Edit', providerOnly: true },
  { name: 'Global Role: View', providerOnly: true },
  { name: 'Group / User: Manage' },
  { name: 'Group / User: View' },
  { name: 'IP Spaces: Allocate' },
  { name: 'IP Spaces: Manage', providerOnly: true },
  { name: 'IP Spaces: View' },
  { name: 'Organization vDC Compute Policy: View' },
  { name: 'Organization vDC Disk: View IOPS' },
  { name: 'Organization vDC Gateway: Configure Load Balancer' },
  { name: 'Organization vDC Gateway: Configure NAT' },
  { name: 'Organization vDC Gateway: View' },
  { name: 'Organization vDC Gateway: View Load Balancer' },
  { name: 'Organization vDC Gateway: View NAT' },
  { name: 'Organization vDC Named Disk: Create' },
  { name: 'Organization vDC Named Disk: Delete' },
  { name: 'Organization vDC Named Disk: Edit Properties' },
  { name: 'Organization vDC Named Disk: View Encryption Status' },
  { name: 'Organization vDC Named Disk: View Properties' },
  { name: 'Organization vDC Network: View Properties' },
  { name: 'Organization vDC Shared Named Disk: Create' },
  { name: 'Organization vDC: View' },
  { name: 'Organization vDC: VM-VM Affinity Edit' },
  { name: 'Organization: Edit Properties' },
  { name: 'Organization: Traversal' },
  { name: 'Organization: View' },
  { name: 'Provider vDC: View', providerOnly: true },
  { name: 'Rights Bundle: Edit', providerOnly: true },
  { name: 'Rights Bundle: View', providerOnly: true },
  { name: 'Role: Create, Edit, Delete, or Copy' },
  { name: 'Role: View' },
  { name: 'UI Plugins: Define, Upload, Modify, Delete, Associate or Disassociate', providerOnly: true },
  { name: 'UI Plugins: View' },
  { name: 'VAPP_VM_METADATA_TO_VCENTER' },
  { name: 'vApp Template / Media: Copy' },
  { name: 'vApp Template / Media: Create / Upload' },
  { name: 'vApp Template / Media: Edit' },
  { name: 'vApp Template / Media: View' },
  { name: 'vApp Template: Checkout' },
  { name: 'vApp: Allow All Extra Config' },
  { name: 'vApp: Copy' },
  { name: 'vApp: Create / Reconfigure' },
  { name: 'vApp: Delete' },
  { name: 'vApp: Download' },
  { name: 'vApp: Edit Properties' },
  { name: 'vApp: Edit VM CPU' },
  { name: 'vApp: Edit VM Compute Policy' },
  { name: 'vApp: Edit VM Hard Disk' },
  { name: 'vApp: Edit VM Memory' },
  { name: 'vApp: Edit VM Network' },
  { name: 'vApp: Edit VM Properties' },
  { name: 'vApp: Manage VM Password Settings' },
  { name: 'vApp: Power Operations' },
  { name: 'vApp: Sharing' },
  { name: 'vApp: Snapshot Operations' },
  { name: 'vApp: Upload' },
  { name: 'vApp: Use Console' },
  { name: 'vApp: View ACL' },
  { name: "vApp: View VM and VM's Disks Encryption Status" },
  { name: 'vApp: View VM metrics' },
  { name: 'vApp: VM Boot Options' },
];

const vAppRights = seedRights.map((right) => right.name).filter((name) => name.startsWith('vApp: '));

/** The general part of the "Kubernetes Cluster Author" global role (reference §2.3). */
export const clusterAuthorRights: readonly string[] = [
  'API Tokens: Manage',
  'Access All Organization VDCs',
  'Catalog: Add vApp from My Cloud',
  'Catalog: View Private and Shared Catalogs',
  'Catalog: View Published Catalogs',
  'Certificate Library: View',
  'IP Spaces: Allocate',
  'IP Spaces: View',
  'Organization vDC Compute Policy: View',
  'Organization vDC Disk: View IOPS',
  'Organization vDC Gateway: Configure Load Balancer',
  'Organization vDC Gateway: Configure NAT',
  'Organization vDC Gateway: View',
  'Organization vDC Gateway: View Load Balancer',
  'Organization vDC Gateway: View NAT',
  'Organization vDC Named Disk: Create',
  'Organization vDC Named Disk: Delete',
  'Organization vDC Named Disk: Edit Properties',
  'Organization vDC Named Disk: View Encryption Status',
  'Organization vDC Named Disk: View Properties',
  'Organization vDC Network: View Properties',
  'Organization vDC Shared Named Disk: Create',
  'Organization vDC: View',
  'Organization vDC: VM-VM Affinity Edit',
  'Organization: View',
  'UI Plugins: View',
  'VAPP_VM_METADATA_TO_VCENTER',
  'vApp Template / Media: Copy',
  'vApp Template / Media: Edit',
  'vApp Template / Media: View',
  'vApp Template: Checkout',
  ...vAppRights,
];

export const clusterViewerRights: readonly string[] = [
  'Catalog: View Private and Shared Catalogs',
  'Catalog: View Published Catalogs',
  'IP Spaces: View',
  'Organization vDC Compute Policy: View',
  'Organization vDC Gateway: View',
  'Organization vDC Gateway: View Load Balancer',
  'Organization vDC Network: View Properties',
  'Organization vDC: View',
  'Organization: View',
  'UI Plugins: View',
  'vApp Template / Media: View',
];

const viewRights = ['Catalog: View Published Catalogs', 'Organization: View', 'Organization vDC: View'];

/** VCD's predefined global roles, published to every tenant. */
const predefinedGlobalRoles: readonly { name: string; rights: readonly string[] }[] = [
  { name: 'Organization Administrator', rights: [] /* filled with every tenant right */ },
  {
    name: 'Catalog Author',
    rights: [
      ...viewRights,
      'Catalog: Create / Delete a Catalog',
      'Catalog: Edit Properties',
      'Catalog: Sharing',
      'Catalog: View Private and Shared Catalogs',
      'vApp Template / Media: Copy',
      'vApp Template / Media: Create / Upload',
      'vApp Template / Media: Edit',
      'vApp Template / Media: View',
    ],
  },
  {
    name: 'vApp Author',
    rights: [...viewRights, 'Catalog: Add vApp from My Cloud', 'vApp Template / Media: View', ...vAppRights],
  },
  {
    name: 'vApp User',
    rights: [
      ...viewRights,
      'vApp: Power Operations',
      'vApp: Use Console',
      'vApp: View VM metrics',
      'vApp: Copy',
    ],
  },
  { name: 'Console Access Only', rights: ['vApp: Use Console'] },
  { name: 'Defer to Identity Provider', rights: [] },
];

export const seededTenants = ['acme', 'globex'] as const;
const seedDate = '2024-01-15T09:00:00.000Z';
export { seedDate };

function categoryOf(name: string): string {
  const colon = name.indexOf(':');
  return colon > 0 ? name.slice(0, colon) : 'General';
}

function bundleKeyOf(name: string): string {
  return `RIGHT_${name
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_|_$/g, '')}`;
}

/** Adds a right (and its category) unless one with that name exists; other areas use it too. */
export function addRight(
  world: World,
  ids: IdSource,
  input: {
    name: string;
    description?: string;
    category?: string;
    providerOnly?: boolean;
    serviceNamespace?: string;
  },
): Right {
  const existing = Object.values(world.rights).find((right) => right.name === input.name);
  if (existing) return existing;
  const categoryName = input.category ?? categoryOf(input.name);
  let category = Object.values(world.rightsCategories).find((candidate) => candidate.name === categoryName);
  if (!category) {
    category = {
      id: ids.urn('rightsCategory'),
      name: categoryName,
      bundleKey: bundleKeyOf(categoryName),
      parent: null,
    };
    world.rightsCategories[category.id] = category;
  }
  const right: Right = {
    id: ids.urn('right'),
    name: input.name,
    description: input.description ?? input.name,
    bundleKey: bundleKeyOf(input.name),
    category: category.id,
    serviceNamespace: input.serviceNamespace ?? 'com.vmware.vcloud',
    rightType: /\bView\b/.test(input.name) ? 'VIEW' : 'MODIFY',
    impliedRights: [],
    providerOnly: input.providerOnly ?? false,
  };
  world.rights[right.id] = right;
  return right;
}

export function seedAccess(world: World, ids: IdSource): void {
  for (const right of seedRights) addRight(world, ids, right);
  const rightId = new Map(Object.values(world.rights).map((right) => [right.name, right.id]));
  const idsOf = (names: readonly string[]) => [...new Set(names)].map((name) => rightId.get(name)!);
  const tenantRightIds = Object.values(world.rights)
    .filter((right) => !right.providerOnly)
    .map((right) => right.id);

  // Orgs: System first, then the tenants.
  const system: Org = {
    id: ids.urn('org'),
    name: 'System',
    displayName: 'System',
    description: 'The provider organization',
    isEnabled: true,
    isProvider: true,
    canPublish: true,
    managedBy: { id: '', name: 'System' },
  };
  system.managedBy = { id: system.id, name: system.name };
  world.orgs[system.id] = system;
  for (const name of seededTenants) {
    const org: Org = {
      id: ids.urn('org'),
      name,
      displayName: name === 'acme' ? 'Acme Corporation' : 'Globex Corporation',
      description: `Tenant ${name}`,
      isEnabled: true,
      isProvider: false,
      canPublish: false,
      managedBy: { id: system.id, name: system.name },
    };
    world.orgs[org.id] = org;
  }
  const tenants = Object.values(world.orgs).filter((org) => !org.isProvider);

  const bundle: RightsBundle = {
    id: ids.urn('rightsBundle'),
    name: 'Default Rights Bundle',
    description: 'Every tenant right; published to all organizations',
    bundleKey: 'DEFAULT_RIGHTS_BUNDLE',
    readOnly: false,
    publishAll: true,
    rightIds: tenantRightIds,
    tenantIds: [],
  };
  world.rightsBundles[bundle.id] = bundle;

  for (const predefined of predefinedGlobalRoles) {
    const role: GlobalRole = {
      id: ids.urn('globalRole'),
      name: predefined.name,
      description: `Predefined role ${predefined.name}`,
      bundleKey: bundleKeyOf(predefined.name),
      readOnly: true,
      publishAll: true,
      rightIds: predefined.name === 'Organization Administrator' ? tenantRightIds : idsOf(predefined.rights),
      tenantIds: [],
    };
    world.globalRoles[role.id] = role;
    for (const org of tenants) linkGlobalRole(world, ids, role, org.id);
  }

  const sysadmin: OrgRole = {
    id: ids.urn('role'),
    name: 'System Administrator',
    description: 'Built-in provider role with every right',
    bundleKey: 'ROLE_SYSTEM_ADMINISTRATOR',
    readOnly: true,
    orgId: system.id,
    rightIds: Object.keys(world.rights),
  };
  world.roles[sysadmin.id] = sysadmin;
  for (const org of tenants) {
    for (const [name, rights] of [
      ['Kubernetes Cluster Author', clusterAuthorRights],
      ['Kubernetes Cluster Viewer', clusterViewerRights],
    ] as const) {
      const role: OrgRole = {
        id: ids.urn('role'),
        name,
        description: `${name} (seeded; \`cse install\` replaces it with the published global role)`,
        bundleKey: bundleKeyOf(name),
        readOnly: false,
        orgId: org.id,
        rightIds: idsOf(rights),
      };
      world.roles[role.id] = role;
    }
  }

  for (const login of seededLogins) {
    const org = Object.values(world.orgs).find((candidate) => candidate.name === login.org)!;
    const role = Object.values(world.roles).find(
      (candidate) => candidate.orgId === org.id && candidate.name === login.role,
    );
    if (!role) throw new Error(`seed: role ${login.role} missing in ${login.org}`);
    const user: User = {
      id: ids.urn('user'),
      username: login.user,
      fullName: login.user
        .split('-')
        .map((part) => part[0]!.toUpperCase() + part.slice(1))
        .join(' '),
      description: '',
      email: `${login.user}@${login.org.toLowerCase()}.example.com`,
      enabled: true,
      orgId: org.id,
      roleIds: [role.id],
      password: login.password,
    };
    world.users[user.id] = user;
  }
}

/** Makes a global role visible in an org as a read-only org role (publishing). */
export function linkGlobalRole(world: World, ids: IdSource, role: GlobalRole, orgId: string): OrgRole {
  const existing = Object.values(world.roles).find(
    (candidate) => candidate.globalRoleId === role.id && candidate.orgId === orgId,
  );
  if (existing) return existing;
  const linked: OrgRole = {
    id: ids.urn('role'),
    name: role.name,
    description: role.description,
    bundleKey: role.bundleKey,
    readOnly: true,
    orgId,
    rightIds: [],
    globalRoleId: role.id,
  };
  world.roles[linked.id] = linked;
  return linked;
}
