import { createHash } from 'node:crypto';
import express, { Router, type Request } from 'express';
import type { SimContext } from '../../context.ts';
import { assertRights, type Principal } from '../../http/auth.ts';
import { fail } from '../../http/errors.ts';
import { bearerOf } from '../sessions/bearer.ts';
import { PluginZipError, readPluginZip } from './plugin-zip.ts';
import { findPlugin, uiPluginsSlice } from './ui-plugin-store.ts';
import { manageRight } from './ui-plugins.ts';

/** Largest plugin zip accepted on a transfer URL. */
const maxZipBytes = 64 * 1024 * 1024;

/** Transfer URLs are outside `/api`, but VCD still wants the uploader's bearer. */
function uploader(ctx: SimContext, req: Request): Principal {
  const bearer = bearerOf(req.get('authorization'), req.get('x-vcloud-authorization'));
  if (bearer === undefined) fail('notAuthenticated');
  const session = ctx.sessions.resolve(bearer);
  if (!session) fail('tokenExpired');
  return ctx.sessions.principal(session, req.get('x-vmware-vcloud-tenant-context'));
}

/**
 * `PUT /transfer/{id}/{fileName}`: the zip announced by `POST /cloudapi/extensions/ui/{id}/plugin`.
 * A zip with `manifest.json` makes the plugin `ready`; anything else is refused with 400 and the
 * transfer stays open for another try.
 */
export function pluginTransferRoutes(ctx: SimContext): Router {
  const router = Router();
  const raw = express.raw({ type: () => true, limit: maxZipBytes });
  router.put('/transfer/:transferId/:fileName', raw, (req, res) => {
    const principal = uploader(ctx, req);
    const state = uiPluginsSlice.of(ctx.store.world);
    const transfer = state.transfers[req.params.transferId];
    if (!transfer) fail('notFound', { kind: 'Transfer', id: req.params.transferId });
    if (!principal.isProvider) fail('providerOnly', { operation: 'upload UI plugins' });
    assertRights(principal, [manageRight], 'upload UI plugins');
    const plugin = findPlugin(ctx.store.world, transfer.pluginId);
    if (!plugin) fail('notFound', { kind: 'UI plugin', id: transfer.pluginId });
    const zip = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (zip.length === 0) fail('badRequest', { reason: 'The upload is empty; PUT the plugin zip.' });
    if (transfer.checksum && transfer.checksumAlgo) {
      const actual = createHash(transfer.checksumAlgo).update(zip).digest('hex');
      if (actual.toLowerCase() !== transfer.checksum.toLowerCase()) {
        fail('badRequest', {
          reason: `The ${transfer.checksumAlgo} checksum of the upload does not match the upload spec.`,
        });
      }
    }
    try {
      readPluginZip(zip);
    } catch (error) {
      if (error instanceof PluginZipError) fail('badRequest', { reason: error.message });
      throw error;
    }
    plugin.resourceUuid = ctx.store.ids.uuid();
    plugin.zipBase64 = zip.toString('base64');
    delete state.transfers[transfer.id];
    res.status(200).end();
  });
  return router;
}
