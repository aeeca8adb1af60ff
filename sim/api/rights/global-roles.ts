import type { Router } from 'express';
import type { SimContext } from '../../context.ts';
import { publishableCrud } from './publishable-crud.ts';
import { publishedTenants } from './publishing.ts';

/**
 * `/cloudapi/1.0.0/globalRoles`: provider-defined roles; publishing one to a tenant makes it an
 * org role there (read-only, rights from the global role), unpublishing removes it.
 */
export function globalRolesRoutes(ctx: SimContext): Router {
  const syncLinkedRoles = (globalRoleId: string, publishedOrgIds: Set<string>) => {
    const world = ctx.store.world;
    for (const orgId of publishedOrgIds) ctx.access.linkGlobalRole(globalRoleId, orgId);
    for (const role of Object.values(world.roles)) {
      if (role.globalRoleId !== globalRoleId || publishedOrgIds.has(role.orgId)) continue;
      delete world.roles[role.id];
      for (const user of Object.values(world.users))
        user.roleIds = user.roleIds.filter((id) => id !== role.id);
    }
  };
  return publishableCrud(ctx, {
    basePath: '/cloudapi/1.0.0/globalRoles',
    kind: 'Global role',
    urnKind: 'globalRole',
    collection: () => ctx.store.world.globalRoles,
    viewRight: 'Global Role: View',
    editRight: 'Global Role: Edit',
    afterChange: (role) => {
      const linked = new Set(publishedTenants(ctx, role).map((org) => org.id));
      syncLinkedRoles(role.id, linked);
      for (const orgRole of Object.values(ctx.store.world.roles)) {
        if (orgRole.globalRoleId === role.id) {
          orgRole.name = role.name;
          orgRole.description = role.description;
        }
      }
    },
    beforeDelete: (role) => syncLinkedRoles(role.id, new Set()),
  });
}
