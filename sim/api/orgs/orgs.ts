import { Router } from 'express';
import type { SimContext } from '../../context.ts';
import { canSeeOrg, principalOf, visibleOr404 } from '../../http/auth.ts';
import { pageOf } from '../../http/paging.ts';
import type { Org } from '../../world/tenancy.ts';

/** `/cloudapi/1.0.0/orgs`: a provider sees every org, a tenant its own. */
export function orgsArea(ctx: SimContext): Router {
  const router = Router();
  const orgJson = (org: Org) => {
    const world = ctx.store.world;
    const count = <T>(collection: Record<string, T>, orgIdOf: (item: T) => string) =>
      Object.values(collection).filter((item) => orgIdOf(item) === org.id).length;
    return {
      id: org.id,
      name: org.name,
      displayName: org.displayName,
      description: org.description,
      isEnabled: org.isEnabled,
      orgVdcCount: count(world.vdcs, (vdc) => vdc.org.id),
      catalogCount: count(world.catalogs, (catalog) => catalog.org.id),
      vappCount: 0,
      runningVMCount: 0,
      userCount: count(world.users, (user) => user.orgId),
      diskCount: 0,
      managedBy: org.managedBy,
      canManageOrgs: org.isProvider,
      canPublish: org.canPublish,
      maskedEventTaskUsername: '',
      directlyManagedOrgCount: org.isProvider ? Object.keys(world.orgs).length - 1 : 0,
    };
  };
  router.get('/cloudapi/1.0.0/orgs', (req, res) => {
    const principal = principalOf(req);
    const orgs = Object.values(ctx.store.world.orgs).filter((org) => canSeeOrg(principal, org.id));
    res.json(pageOf(req, res, orgs.map(orgJson), { defaultSort: 'name' }));
  });
  router.get('/cloudapi/1.0.0/orgs/:id', (req, res) => {
    const org = visibleOr404(
      principalOf(req),
      ctx.store.world.orgs[req.params.id],
      (candidate) => candidate.id,
      'Org',
      req.params.id,
    );
    res.json(orgJson(org));
  });
  return router;
}
