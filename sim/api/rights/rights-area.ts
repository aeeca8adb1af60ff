import { Router } from 'express';
import type { SimContext } from '../../context.ts';
import { globalRolesRoutes } from './global-roles.ts';
import { rightsRoutes } from './rights.ts';
import { rightsBundlesRoutes } from './rights-bundles.ts';
import { rolesRoutes } from './roles.ts';

/** Rights, rights categories, rights bundles, global roles and org roles. */
export function rightsArea(ctx: SimContext): Router {
  const router = Router();
  router.use(rightsRoutes(ctx), rightsBundlesRoutes(ctx), globalRolesRoutes(ctx), rolesRoutes(ctx));
  return router;
}
