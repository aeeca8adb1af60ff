import { Router } from 'express';
import type { SimContext } from '../../context.ts';
import { principalOf, type Principal } from '../../http/auth.ts';
import { fail } from '../../http/errors.ts';
import { pageOf } from '../../http/paging.ts';
import type { Right } from '../../world/access.ts';
import type { ReferenceList } from './schemas.ts';

/** The cloudapi `Right` (without the simulator's `providerOnly` flag). */
export function rightJson(right: Right) {
  return {
    id: right.id,
    name: right.name,
    description: right.description,
    bundleKey: right.bundleKey,
    category: right.category,
    serviceNamespace: right.serviceNamespace,
    rightType: right.rightType,
    impliedRights: right.impliedRights,
  };
}

/** Rights the caller may see: all for a provider, else those its org is entitled to. */
export function visibleRights(ctx: SimContext, principal: Principal): Right[] {
  const rights = Object.values(ctx.store.world.rights);
  if (principal.isProvider && !principal.actingInTenant) return rights;
  const org = ctx.store.world.orgs[principal.effectiveOrg.id];
  if (!org) return [];
  const entitled = ctx.access.entitledRightIds(org);
  return rights.filter((right) => entitled.has(right.id));
}

/** Resolves `{values:[{id|name}]}` to right ids; unknown rights give 400. */
export function resolveRightRefs(ctx: SimContext, refs: ReferenceList): string[] {
  const world = ctx.store.world;
  const ids = new Set<string>();
  for (const ref of refs.values) {
    const right = ref.id !== undefined ? world.rights[ref.id] : ctx.access.rightByName(ref.name!);
    if (!right) fail('badRequest', { reason: `Right ${ref.id ?? ref.name} does not exist.` });
    ids.add(right.id);
  }
  return [...ids];
}

export function rightRefs(ctx: SimContext, rightIds: readonly string[]) {
  return rightIds.flatMap((id) => {
    const right = ctx.store.world.rights[id];
    return right ? [{ id: right.id, name: right.name }] : [];
  });
}

/** `/cloudapi/1.0.0/rights` and `/rightsCategories` (read-only, as in VCD). */
export function rightsRoutes(ctx: SimContext): Router {
  const router = Router();
  router.get('/cloudapi/1.0.0/rights', (req, res) => {
    res.json(pageOf(req, res, visibleRights(ctx, principalOf(req)).map(rightJson), { defaultSort: 'name' }));
  });
  router.get('/cloudapi/1.0.0/rights/:id', (req, res) => {
    const principal = principalOf(req);
    const right = visibleRights(ctx, principal).find((candidate) => candidate.id === req.params.id);
    if (!right) fail('notFound', { kind: 'Right', id: req.params.id });
    res.json(rightJson(right));
  });

  const categoryJson = (ctx2: SimContext, principal: Principal) => {
    const counts = new Map<string, { view: number; modify: number }>();
    for (const right of visibleRights(ctx2, principal)) {
      const count = counts.get(right.category) ?? { view: 0, modify: 0 };
      if (right.rightType === 'VIEW') count.view++;
      else count.modify++;
      counts.set(right.category, count);
    }
    return Object.values(ctx2.store.world.rightsCategories)
      .filter((category) => counts.has(category.id))
      .map((category) => ({ ...category, rightsCount: counts.get(category.id)!, subCategories: [] }));
  };
  router.get('/cloudapi/1.0.0/rightsCategories', (req, res) => {
    res.json(pageOf(req, res, categoryJson(ctx, principalOf(req)), { defaultSort: 'name' }));
  });
  router.get('/cloudapi/1.0.0/rightsCategories/:id', (req, res) => {
    const category = categoryJson(ctx, principalOf(req)).find((candidate) => candidate.id === req.params.id);
    if (!category) fail('notFound', { kind: 'Rights category', id: req.params.id });
    res.json(category);
  });
  return router;
}
