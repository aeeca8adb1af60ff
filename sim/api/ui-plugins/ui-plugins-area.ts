import { Router } from 'express';
import type { SimContext } from '../../context.ts';
import { pluginFileRoutes } from './plugin-files.ts';
import { pluginTransferRoutes } from './plugin-transfer.ts';
import { uiPluginRoutes } from './ui-plugins.ts';

/** UI plugins: the cloudapi, the transfer URL for the zip, and the files the portal loads. */
export function uiPluginsArea(ctx: SimContext): Router {
  const router = Router();
  router.use(uiPluginRoutes(ctx), pluginTransferRoutes(ctx), pluginFileRoutes(ctx));
  return router;
}
