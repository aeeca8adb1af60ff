import { extname } from 'node:path';
import { Router, type Request, type Response } from 'express';
import type { SimContext } from '../../context.ts';
import { fail } from '../../http/errors.ts';
import { readPluginZip, type PluginFiles } from './plugin-zip.ts';
import { isPublishedTo, uiPluginsSlice, type UiPlugin } from './ui-plugin-store.ts';

/**
 * Serves an uploaded plugin's files where the portal looks for them:
 * `/tenant/<org>/uiPlugins/<plugin uuid>/<resource uuid>/<file>` and the same under `/provider`.
 * The browser loads them with a script tag, so no bearer is needed; a file is served only to the
 * portal of an org the enabled plugin is published to (or to the provider's portal when the
 * plugin is provider scoped), otherwise 404.
 */
export function pluginFileRoutes(ctx: SimContext): Router {
  // A new upload gets a new resource uuid, so entries never go stale.
  const unpacked = new Map<string, PluginFiles>();
  ctx.store.onReplaced(() => unpacked.clear());

  const filesOf = (plugin: UiPlugin): PluginFiles | undefined => {
    if (!plugin.resourceUuid || !plugin.zipBase64) return undefined;
    let files = unpacked.get(plugin.resourceUuid);
    if (!files) {
      try {
        files = readPluginZip(Buffer.from(plugin.zipBase64, 'base64')).files;
      } catch {
        return undefined; // a state file edited by hand: treat as missing
      }
      unpacked.set(plugin.resourceUuid, files);
    }
    return files;
  };

  const serve = (req: Request, res: Response, portal: { orgName?: string }) => {
    const params = req.params as Record<string, string | string[]>;
    const pluginUuid = String(params['pluginUuid']).toLowerCase();
    const resourceUuid = String(params['resourceUuid']).toLowerCase();
    const rest = params['file'];
    const file = Array.isArray(rest) ? rest.join('/') : String(rest ?? '');
    const missing = () => fail('notFound', { kind: 'UI plugin file', id: req.path });
    const plugin = uiPluginsSlice.of(ctx.store.world).plugins[pluginUuid];
    if (!plugin || !plugin.enabled || plugin.resourceUuid !== resourceUuid) missing();
    if (portal.orgName === undefined) {
      if (!plugin.provider_scoped) missing();
    } else {
      const wanted = portal.orgName.toLowerCase();
      const org = Object.values(ctx.store.world.orgs).find(
        (candidate) => candidate.name.toLowerCase() === wanted,
      );
      if (!org || org.isProvider || !isPublishedTo(plugin, org.id)) missing();
    }
    const content = filesOf(plugin)?.get(file);
    if (!content) missing();
    res.type(extname(file) || 'application/octet-stream');
    res.setHeader('Cache-Control', 'no-cache');
    res.send(content);
  };

  const router = Router();
  const tail = 'uiPlugins/:pluginUuid/:resourceUuid/*file';
  router.get(`/tenant/:org/${tail}`, (req, res) => serve(req, res, { orgName: String(req.params.org) }));
  router.get(`/provider/${tail}`, (req, res) => serve(req, res, {}));
  return router;
}
