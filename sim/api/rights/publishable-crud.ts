import { Router, type Request } from 'express';
import type { SimContext } from '../../context.ts';
import { assertRights, principalOf } from '../../http/auth.ts';
import { parseBody } from '../../http/body.ts';
import { fail } from '../../http/errors.ts';
import { pageOf } from '../../http/paging.ts';
import type { Collection } from '../../world/json.ts';
import { resolveRightRefs, rightRefs } from './rights.ts';
import { publishableInput, referenceList } from './schemas.ts';
import { publishingRoutes } from './publishing.ts';

interface PublishableObject {
  id: string;
  name: string;
  description: string;
  bundleKey: string;
  readOnly: boolean;
  publishAll: boolean;
  rightIds: string[];
  tenantIds: string[];
}

export interface PublishableCrudOptions {
  basePath: string;
  kind: string;
  urnKind: string;
  collection(): Collection<PublishableObject>;
  viewRight: string;
  editRight: string;
  afterChange?(object: PublishableObject): void;
  beforeDelete?(object: PublishableObject): void;
}

function json(object: PublishableObject) {
  const { id, name, description, bundleKey, readOnly, publishAll } = object;
  return { id, name, description, bundleKey, readOnly, publishAll };
}

/**
 * Provider-only CRUD shared by rights bundles and global roles, with their `/rights` membership
 * and `/tenants` publishing. Tenants get 404, as the objects do not exist for them.
 */
export function publishableCrud(ctx: SimContext, options: PublishableCrudOptions): Router {
  const router = Router();
  const { basePath, kind } = options;
  const guard = (req: Request, right: string) => {
    const principal = principalOf(req);
    if (!principal.isProvider) fail('routeNotFound', { method: req.method, path: req.path });
    assertRights(principal, [right], `${req.method} ${req.path}`);
  };
  const find = (id: string) => {
    const object = options.collection()[id];
    if (!object) fail('notFound', { kind, id });
    return object;
  };
  const writable = (object: PublishableObject) => {
    if (object.readOnly) fail('badRequest', { reason: `${kind} ${object.name} is read-only.` });
  };
  const uniqueName = (name: string, except?: string) => {
    const lower = name.toLowerCase();
    if (
      Object.values(options.collection()).some(
        (other) => other.id !== except && other.name.toLowerCase() === lower,
      )
    ) {
      fail('duplicateName', { kind, name });
    }
  };
  const changed = (object: PublishableObject) => {
    options.afterChange?.(object);
    ctx.store.changed();
  };

  router.get(basePath, (req, res) => {
    guard(req, options.viewRight);
    res.json(pageOf(req, res, Object.values(options.collection()).map(json), { defaultSort: 'name' }));
  });
  router.post(basePath, (req, res) => {
    guard(req, options.editRight);
    const input = parseBody(publishableInput, req.body);
    uniqueName(input.name);
    const object: PublishableObject = {
      id: ctx.store.ids.urn(options.urnKind),
      name: input.name,
      description: input.description ?? '',
      bundleKey: input.bundleKey ?? input.name.toUpperCase().replace(/[^A-Z0-9]+/g, '_'),
      readOnly: false,
      publishAll: input.publishAll ?? false,
      rightIds: [],
      tenantIds: [],
    };
    options.collection()[object.id] = object;
    changed(object);
    res.status(201).json(json(object));
  });
  router.get(`${basePath}/:id`, (req, res) => {
    guard(req, options.viewRight);
    res.json(json(find(req.params.id)));
  });
  router.put(`${basePath}/:id`, (req, res) => {
    guard(req, options.editRight);
    const object = find(req.params.id);
    writable(object);
    const input = parseBody(publishableInput, req.body);
    uniqueName(input.name, object.id);
    object.name = input.name;
    object.description = input.description ?? object.description;
    if (input.publishAll !== undefined) object.publishAll = input.publishAll;
    changed(object);
    res.json(json(object));
  });
  router.delete(`${basePath}/:id`, (req, res) => {
    guard(req, options.editRight);
    const object = find(req.params.id);
    writable(object);
    options.beforeDelete?.(object);
    delete options.collection()[object.id];
    ctx.store.changed();
    res.status(204).end();
  });

  router.get(`${basePath}/:id/rights`, (req, res) => {
    guard(req, options.viewRight);
    res.json(pageOf(req, res, rightRefs(ctx, find(req.params.id).rightIds), { defaultSort: 'name' }));
  });
  router.put(`${basePath}/:id/rights`, (req, res) => {
    guard(req, options.editRight);
    const object = find(req.params.id);
    writable(object);
    object.rightIds = resolveRightRefs(ctx, parseBody(referenceList, req.body));
    changed(object);
    res.json({ values: rightRefs(ctx, object.rightIds) });
  });
  router.post(`${basePath}/:id/rights`, (req, res) => {
    guard(req, options.editRight);
    const object = find(req.params.id);
    writable(object);
    object.rightIds = [
      ...new Set([...object.rightIds, ...resolveRightRefs(ctx, parseBody(referenceList, req.body))]),
    ];
    changed(object);
    res.json({ values: rightRefs(ctx, object.rightIds) });
  });

  router.use(
    publishingRoutes(ctx, {
      basePath,
      kind,
      find: (id) => options.collection()[id],
      viewRight: options.viewRight,
      editRight: options.editRight,
      afterChange: options.afterChange,
    }),
  );
  return router;
}
