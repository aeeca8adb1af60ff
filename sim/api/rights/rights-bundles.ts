import type { Router } from 'express';
import type { SimContext } from '../../context.ts';
import { publishableCrud } from './publishable-crud.ts';

/** `/cloudapi/1.0.0/rightsBundles`: what rights each tenant org is entitled to. */
export function rightsBundlesRoutes(ctx: SimContext): Router {
  return publishableCrud(ctx, {
    basePath: '/cloudapi/1.0.0/rightsBundles',
    kind: 'Rights bundle',
    urnKind: 'rightsBundle',
    collection: () => ctx.store.world.rightsBundles,
    viewRight: 'Rights Bundle: View',
    editRight: 'Rights Bundle: Edit',
  });
}
