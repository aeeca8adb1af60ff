import { Router, type Request } from 'express';
import type { SimContext } from '../../context.ts';
import { assertRights, principalOf } from '../../http/auth.ts';
import { parseBody } from '../../http/body.ts';
import { fail } from '../../http/errors.ts';
import { pageOf } from '../../http/paging.ts';
import { uuidOf } from '../../world/ids.ts';
import type { Ref } from '../../world/json.ts';
import { referenceList } from './schemas.ts';

/** Rights bundles and global roles: things the provider publishes to tenant orgs. */
export interface Publishable {
  id: string;
  name: string;
  publishAll: boolean;
  tenantIds: string[];
}

export interface PublishingOptions<T extends Publishable> {
  basePath: string;
  kind: string;
  find(id: string): T | undefined;
  viewRight: string;
  editRight: string;
  /** Called after the set of tenants changed (global roles link org roles). */
  afterChange?(object: T): void;
}

export function tenantOrgs(ctx: SimContext): Ref[] {
  return Object.values(ctx.store.world.orgs)
    .filter((org) => !org.isProvider)
    .map((org) => ({ id: org.id, name: org.name }));
}

export function publishedTenants(ctx: SimContext, object: Publishable): Ref[] {
  return tenantOrgs(ctx).filter((org) => object.publishAll || object.tenantIds.includes(org.id));
}

/** `{basePath}/{id}/tenants`, `/tenants/publish`, `/unpublish`, `/publishAll`, `/unpublishAll`. */
export function publishingRoutes<T extends Publishable>(
  ctx: SimContext,
  options: PublishingOptions<T>,
): Router {
  const router = Router();
  const load = (req: Request<{ id: string }>, right: string) => {
    const principal = principalOf(req);
    if (!principal.isProvider) fail('notFound', { kind: options.kind, id: req.params.id });
    assertRights(principal, [right], `${req.method} ${req.path}`);
    const object = options.find(req.params.id);
    if (!object) fail('notFound', { kind: options.kind, id: req.params.id });
    return object;
  };
  const orgIdsOf = (req: Request): string[] => {
    const refs = parseBody(referenceList, req.body);
    const tenants = tenantOrgs(ctx);
    return refs.values.map((ref) => {
      const uuid = ref.id ? uuidOf(ref.id) : undefined;
      const org = tenants.find((candidate) =>
        uuid ? uuidOf(candidate.id) === uuid : candidate.name === ref.name,
      );
      if (!org)
        fail('badRequest', {
          reason: `Organization ${ref.id ?? ref.name} does not exist or is not a tenant.`,
        });
      return org.id;
    });
  };
  const changed = (object: T) => {
    options.afterChange?.(object);
    ctx.store.changed();
    return { values: publishedTenants(ctx, object) };
  };

  router.get(`${options.basePath}/:id/tenants`, (req, res) => {
    const object = load(req, options.viewRight);
    res.json(pageOf(req, res, publishedTenants(ctx, object), { defaultSort: 'name' }));
  });
  router.put(`${options.basePath}/:id/tenants`, (req, res) => {
    const object = load(req, options.editRight);
    object.tenantIds = [...new Set(orgIdsOf(req))];
    object.publishAll = false;
    res.json(changed(object));
  });
  router.post(`${options.basePath}/:id/tenants/publish`, (req, res) => {
    const object = load(req, options.editRight);
    object.tenantIds = [...new Set([...object.tenantIds, ...orgIdsOf(req)])];
    res.json(changed(object));
  });
  router.post(`${options.basePath}/:id/tenants/unpublish`, (req, res) => {
    const object = load(req, options.editRight);
    const removed = new Set(orgIdsOf(req));
    const current = publishedTenants(ctx, object).map((org) => org.id);
    object.publishAll = false;
    object.tenantIds = current.filter((id) => !removed.has(id));
    res.json(changed(object));
  });
  router.post(`${options.basePath}/:id/tenants/publishAll`, (req, res) => {
    const object = load(req, options.editRight);
    object.publishAll = true;
    res.json(changed(object));
  });
  router.post(`${options.basePath}/:id/tenants/unpublishAll`, (req, res) => {
    const object = load(req, options.editRight);
    object.publishAll = false;
    object.tenantIds = [];
    res.json(changed(object));
  });
  return router;
}
