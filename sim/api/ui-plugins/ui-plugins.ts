import { Router, type Request } from 'express';
import { z } from 'zod';
import type { SimContext } from '../../context.ts';
import { assertRights, principalOf, type Principal } from '../../http/auth.ts';
import { parseBody } from '../../http/body.ts';
import { fail } from '../../http/errors.ts';
import { pageOf } from '../../http/paging.ts';
import { uuidOf } from '../../world/ids.ts';
import type { Ref } from '../../world/json.ts';
import { findPlugin, isPublishedTo, resourcePath, uiPluginsSlice, type UiPlugin } from './ui-plugin-store.ts';

export const manageRight = 'UI Plugins: Define, Upload, Modify, Delete, Associate or Disassociate';
export const viewRight = 'UI Plugins: View';

/** VCD's UiPluginMetadata; the response-only fields may be sent back on PUT and are ignored. */
const metadataInput = z
  .object({
    id: z.string().optional(),
    pluginName: z.string().min(1).max(255),
    vendor: z.string().min(1).max(255),
    description: z.string().max(4096).nullish(),
    version: z.string().min(1).max(64),
    license: z.string().min(1).max(65536),
    link: z.string().min(1).max(2048),
    tenant_scoped: z.boolean().optional(),
    provider_scoped: z.boolean().optional(),
    enabled: z.boolean().optional(),
    plugin_status: z.string().nullish(),
    resourcePath: z.string().nullish(),
  })
  .strict();

const uploadSpec = z
  .object({
    fileName: z.string().min(1).max(255),
    size: z.number().int().positive(),
    checksum: z.string().max(128).nullish(),
    checksumAlgo: z.enum(['sha1', 'sha256']).nullish(),
  })
  .strict();

const reference = z
  .object({ id: z.string().optional(), name: z.string().optional() })
  .refine((ref) => ref.id !== undefined || ref.name !== undefined, 'a reference needs id or name');
/** VCD takes a bare array of org references; `{values: [...]}` is accepted too. */
const references = z.union([z.array(reference), z.object({ values: z.array(reference) }).strict()]);

const base = '/cloudapi/extensions/ui';

/** Tenants see what is published to the org they act in, when it is enabled; the provider sees all. */
function visibleTo(principal: Principal, plugin: UiPlugin): boolean {
  if (principal.isProvider && !principal.actingInTenant) return true;
  return plugin.enabled && isPublishedTo(plugin, principal.effectiveOrg.id);
}

export function pluginJson(plugin: UiPlugin) {
  return {
    id: plugin.id,
    pluginName: plugin.pluginName,
    vendor: plugin.vendor,
    description: plugin.description,
    version: plugin.version,
    license: plugin.license,
    link: plugin.link,
    tenant_scoped: plugin.tenant_scoped,
    provider_scoped: plugin.provider_scoped,
    enabled: plugin.enabled,
    plugin_status: plugin.resourceUuid ? 'ready' : 'unavailable',
    resourcePath: resourcePath(plugin),
  };
}

/** `/cloudapi/extensions/ui`: register, upload spec, enable/disable, publish, delete. */
export function uiPluginRoutes(ctx: SimContext): Router {
  const router = Router();
  const state = () => uiPluginsSlice.of(ctx.store.world);
  const forViewer = (req: Request<{ id: string }>) => {
    const principal = principalOf(req);
    assertRights(principal, [viewRight], `${req.method} ${req.path}`);
    const plugin = findPlugin(ctx.store.world, req.params.id);
    if (!plugin || !visibleTo(principal, plugin)) fail('notFound', { kind: 'UI plugin', id: req.params.id });
    return plugin;
  };
  const forManager = (req: Request<{ id: string }>) => {
    const principal = principalOf(req);
    const plugin = findPlugin(ctx.store.world, req.params.id);
    if (!principal.isProvider || !plugin) {
      if (plugin && visibleTo(principal, plugin))
        fail('providerOnly', { operation: `${req.method} ${req.path}` });
      fail('notFound', { kind: 'UI plugin', id: req.params.id });
    }
    assertRights(principal, [manageRight], `${req.method} ${req.path}`);
    return plugin;
  };
  const tenantOrgs = (): Ref[] =>
    Object.values(ctx.store.world.orgs)
      .filter((org) => !org.isProvider)
      .map((org) => ({ id: org.id, name: org.name }));
  // The publications as recorded; they take effect only while the plugin is tenant scoped.
  const published = (plugin: UiPlugin) =>
    tenantOrgs().filter((org) => plugin.publishAll || plugin.tenantIds.includes(org.id));
  const orgIdsOf = (req: Request): string[] => {
    const parsed = parseBody(references, req.body);
    const refs = Array.isArray(parsed) ? parsed : parsed.values;
    const tenants = tenantOrgs();
    return refs.map((ref) => {
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

  router.get(base, (req, res) => {
    const principal = principalOf(req);
    assertRights(principal, [viewRight], `${req.method} ${req.path}`);
    // VCD answers a plain array here, not a page.
    res.json(
      Object.values(state().plugins)
        .filter((plugin) => visibleTo(principal, plugin))
        .map(pluginJson),
    );
  });
  router.post(base, (req, res) => {
    const principal = principalOf(req);
    if (!principal.isProvider) fail('providerOnly', { operation: 'register UI plugins' });
    assertRights(principal, [manageRight], 'register UI plugins');
    const input = parseBody(metadataInput, req.body);
    const duplicate = Object.values(state().plugins).some(
      (plugin) =>
        plugin.pluginName === input.pluginName &&
        plugin.vendor === input.vendor &&
        plugin.version === input.version,
    );
    if (duplicate)
      fail('duplicateName', {
        kind: 'UI plugin',
        name: `${input.vendor}/${input.pluginName} ${input.version}`,
      });
    const plugin: UiPlugin = {
      id: ctx.store.ids.urn('uiPlugin'),
      pluginName: input.pluginName,
      vendor: input.vendor,
      description: input.description ?? '',
      version: input.version,
      license: input.license,
      link: input.link,
      tenant_scoped: input.tenant_scoped ?? false,
      provider_scoped: input.provider_scoped ?? false,
      enabled: input.enabled ?? true,
      resourceUuid: null,
      zipBase64: null,
      publishAll: false,
      tenantIds: [],
    };
    state().plugins[uuidOf(plugin.id)!] = plugin;
    res.status(201).json(pluginJson(plugin));
  });
  router.get(`${base}/:id`, (req, res) => {
    res.json(pluginJson(forViewer(req)));
  });
  router.put(`${base}/:id`, (req, res) => {
    const plugin = forManager(req);
    const input = parseBody(metadataInput, req.body);
    Object.assign(plugin, {
      pluginName: input.pluginName,
      vendor: input.vendor,
      description: input.description ?? plugin.description,
      version: input.version,
      license: input.license,
      link: input.link,
      tenant_scoped: input.tenant_scoped ?? plugin.tenant_scoped,
      provider_scoped: input.provider_scoped ?? plugin.provider_scoped,
      enabled: input.enabled ?? plugin.enabled,
    });
    res.json(pluginJson(plugin));
  });
  router.delete(`${base}/:id`, (req, res) => {
    const plugin = forManager(req);
    const uuid = uuidOf(plugin.id)!;
    for (const [id, transfer] of Object.entries(state().transfers)) {
      if (transfer.pluginId === plugin.id) delete state().transfers[id];
    }
    delete state().plugins[uuid];
    res.status(204).end();
  });

  router.post(`${base}/:id/plugin`, (req, res) => {
    const plugin = forManager(req);
    const spec = parseBody(uploadSpec, req.body);
    const transferId = ctx.store.ids.uuid();
    state().transfers[transferId] = {
      id: transferId,
      pluginId: plugin.id,
      fileName: spec.fileName,
      size: spec.size,
      checksum: spec.checksum ?? null,
      checksumAlgo: spec.checksum ? (spec.checksumAlgo ?? 'sha256') : null,
    };
    const url = `${ctx.publicUrl()}/transfer/${transferId}/${encodeURIComponent(spec.fileName)}`;
    res.status(204).setHeader('Link', `<${url}>;rel="upload:default";type="application/octet-stream"`).end();
  });
  router.delete(`${base}/:id/plugin`, (req, res) => {
    const plugin = forManager(req);
    plugin.resourceUuid = null;
    plugin.zipBase64 = null;
    res.status(204).end();
  });

  router.get(`${base}/:id/tenants`, (req, res) => {
    const plugin = forManager(req);
    res.json(pageOf(req, res, published(plugin), { defaultSort: 'name' }));
  });
  router.post(`${base}/:id/tenants/publish`, (req, res) => {
    const plugin = forManager(req);
    plugin.tenantIds = [...new Set([...plugin.tenantIds, ...orgIdsOf(req)])];
    res.json(published(plugin));
  });
  router.post(`${base}/:id/tenants/unpublish`, (req, res) => {
    const plugin = forManager(req);
    const removed = new Set(orgIdsOf(req));
    plugin.tenantIds = published(plugin)
      .map((org) => org.id)
      .filter((id) => !removed.has(id));
    plugin.publishAll = false;
    res.json(published(plugin));
  });
  router.post(`${base}/:id/tenants/publishAll`, (req, res) => {
    const plugin = forManager(req);
    plugin.publishAll = true;
    res.json(published(plugin));
  });
  router.post(`${base}/:id/tenants/unpublishAll`, (req, res) => {
    const plugin = forManager(req);
    plugin.publishAll = false;
    plugin.tenantIds = [];
    res.json(published(plugin));
  });
  return router;
}
