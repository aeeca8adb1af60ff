import { addRight, linkGlobalRole } from '../../world/seed-access.ts';
import type { Right } from '../../world/access.ts';
import type { Org, User } from '../../world/tenancy.ts';
import type { WorldStore } from '../../world/store.ts';

/**
 * Rights resolution as VCD does it: a tenant user's rights are its role's rights, limited to the
 * rights the org is entitled to through published rights bundles; the System Administrator has
 * every right. Results are cached until the world changes.
 */
export class AccessControl {
  #userRights = new Map<string, ReadonlySet<string>>();
  #entitlements = new Map<string, ReadonlySet<string>>();
  #rightsByName: Map<string, Right> | undefined;

  constructor(private readonly store: WorldStore) {
    const invalidate = () => {
      this.#userRights.clear();
      this.#entitlements.clear();
      this.#rightsByName = undefined;
    };
    store.onChanged(invalidate);
    store.onReplaced(invalidate);
  }

  rightByName(name: string): Right | undefined {
    if (!this.#rightsByName) {
      this.#rightsByName = new Map(
        Object.values(this.store.world.rights).map((right) => [right.name, right]),
      );
    }
    return this.#rightsByName.get(name);
  }

  /**
   * Adds a right to the catalogue (e.g. RDE type rights, `{cse}:…` extension rights); rights are
   * not created through the public API in VCD. New tenant rights are not in any bundle yet.
   */
  registerRight(input: {
    name: string;
    description?: string;
    category?: string;
    providerOnly?: boolean;
    serviceNamespace?: string;
  }): Right {
    const right = addRight(this.store.world, this.store.ids, input);
    this.store.changed();
    return right;
  }

  /** Right ids an org may use: every right for System, else the union of published bundles. */
  entitledRightIds(org: Org): ReadonlySet<string> {
    let entitled = this.#entitlements.get(org.id);
    if (!entitled) {
      const world = this.store.world;
      if (org.isProvider) entitled = new Set(Object.keys(world.rights));
      else {
        const ids = new Set<string>();
        for (const bundle of Object.values(world.rightsBundles)) {
          if (bundle.publishAll || bundle.tenantIds.includes(org.id))
            for (const id of bundle.rightIds) ids.add(id);
        }
        entitled = ids;
      }
      this.#entitlements.set(org.id, entitled);
    }
    return entitled;
  }

  /** Right ids a role grants (a linked global role grants the global role's rights). */
  roleRightIds(roleId: string): readonly string[] {
    const world = this.store.world;
    const role = world.roles[roleId];
    if (!role) return [];
    if (role.globalRoleId) return world.globalRoles[role.globalRoleId]?.rightIds ?? [];
    const org = world.orgs[role.orgId];
    if (org?.isProvider && role.name === 'System Administrator' && role.readOnly)
      return Object.keys(world.rights);
    return role.rightIds;
  }

  /** Names of the rights a user has in its own org. */
  rightsOf(user: User): ReadonlySet<string> {
    let names = this.#userRights.get(user.id);
    if (!names) {
      const world = this.store.world;
      const org = world.orgs[user.orgId];
      const entitled = org ? this.entitledRightIds(org) : new Set<string>();
      const result = new Set<string>();
      for (const roleId of user.roleIds) {
        for (const rightId of this.roleRightIds(roleId)) {
          const right = world.rights[rightId];
          if (right && entitled.has(rightId)) result.add(right.name);
        }
      }
      names = result;
      this.#userRights.set(user.id, names);
    }
    return names;
  }

  /** Publishes a global role to an org (creates its linked org role). */
  linkGlobalRole(globalRoleId: string, orgId: string): void {
    const role = this.store.world.globalRoles[globalRoleId];
    if (role) linkGlobalRole(this.store.world, this.store.ids, role, orgId);
  }
}
