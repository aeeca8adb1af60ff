import { canSeeOrg, type Principal } from '../../http/auth.ts';
import type { Catalog, VAppTemplate } from '../../world/compute.ts';
import type { World } from '../../world/world.ts';

export const catalogViewRights = [
  'Catalog: View Private and Shared Catalogs',
  'Catalog: View Published Catalogs',
] as const;

/**
 * Who sees a catalog: its own org (a provider without tenant context sees all), the orgs it is
 * shared with (access control), and every org when it is published to all organizations. The
 * caller also needs one of the catalog view rights.
 */
export function catalogVisibleTo(principal: Principal, catalog: Catalog): boolean {
  if (!catalogViewRights.some((right) => principal.rights.has(right))) return false;
  return canSeeOrg(principal, catalog.org.id) || catalogOpenToOrg(catalog, principal.effectiveOrg.id);
}

/** A catalog an org may use: its own, shared with it, or published to every org. */
export function catalogOpenToOrg(catalog: Catalog, orgId: string): boolean {
  return catalog.org.id === orgId || catalog.sharedWithOrgIds.includes(orgId) || catalog.isPublished;
}

export function templateVisibleTo(principal: Principal, world: World, template: VAppTemplate): boolean {
  const catalog = world.catalogs[template.catalog.id];
  return catalog !== undefined && catalogVisibleTo(principal, catalog);
}

export function visibleTemplates(principal: Principal, world: World): VAppTemplate[] {
  return Object.values(world.vAppTemplates).filter((template) =>
    templateVisibleTo(principal, world, template),
  );
}
