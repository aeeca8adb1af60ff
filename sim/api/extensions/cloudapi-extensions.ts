import { Router, type Request } from 'express';
import { z } from 'zod';
import type { SimContext } from '../../context.ts';
import { principalOf } from '../../http/auth.ts';
import { parseBody } from '../../http/body.ts';
import { fail } from '../../http/errors.ts';
import { pageOf } from '../../http/paging.ts';
import { uuidOf } from '../../world/ids.ts';
import {
  addFilter,
  extensionApiId,
  extensionsSlice,
  findService,
  mqttTopics,
  removeService,
  type ApiFilter,
  type ExtensionService,
} from './extension-services.ts';
import { checkPatterns } from './legacy-services.ts';

/** CSE sends `enabled` and `authorizationEnabled` as the strings "true"/"false" (reference §2.4). */
const flexibleBoolean = z.union([
  z.boolean(),
  z.enum(['true', 'false']).transform((text) => text === 'true'),
]);
const flexiblePriority = z.union([
  z.number().int().min(0).max(100),
  z
    .string()
    .regex(/^\d{1,3}$/)
    .transform(Number)
    .pipe(z.number().max(100)),
]);
const segment = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[^:/\s]+$/, 'must not contain ":", "/" or spaces');

const extensionInput = z
  .object({
    id: z.string().optional(),
    name: segment,
    vendor: segment,
    version: segment,
    priority: flexiblePriority.optional(),
    enabled: flexibleBoolean.optional(),
    authorizationEnabled: flexibleBoolean.optional(),
    description: z.string().max(1024).nullish(),
    mqttTopics: z.unknown().optional(),
  })
  .strict();

const apiFilterInput = z
  .object({
    id: z.string().optional(),
    externalSystem: z.object({ id: z.string().min(1), name: z.string().nullish() }).strict(),
    urlMatcher: z
      .object({
        urlPattern: z.string().min(1).max(1024),
        urlScope: z.enum(['API', 'EXT_API', 'EXT_UI_PROVIDER', 'EXT_UI_TENANT']).default('API'),
      })
      .strict(),
    responseContentType: z.null().optional(),
  })
  .strict();

const base = '/cloudapi/extensions/api';
const filtersBase = '/cloudapi/1.0.0/apiFilters';

/**
 * `/cloudapi/extensions/api` (MQTT extension services with their topics) and
 * `/cloudapi/1.0.0/apiFilters`. Provider only, as in VCD.
 */
export function cloudapiExtensionRoutes(ctx: SimContext): Router {
  const router = Router();
  const provider = (req: Request) => {
    if (!principalOf(req).isProvider) fail('providerOnly', { operation: `${req.method} ${req.path}` });
  };
  const json = (service: ExtensionService) => ({
    id: extensionApiId(service),
    name: service.name,
    vendor: service.vendor,
    version: service.version,
    priority: service.priority,
    enabled: service.enabled,
    authorizationEnabled: service.authorizationEnabled,
    description: service.description,
    mqttTopics: mqttTopics(service),
  });
  const load = (req: Request<{ id: string }>) => {
    provider(req);
    const service = findService(ctx.store.world, req.params.id);
    if (!service) fail('notFound', { kind: 'Extension service', id: req.params.id });
    return service;
  };
  // The legacy uuid travels in a Link header; CSE reads it to add filters and rights (reference §2.4).
  const legacyLink = (service: ExtensionService) =>
    `<${ctx.publicUrl()}/api/admin/extension/service/${service.uuid}>;rel="alternate";type="application/vnd.vmware.admin.service+json"`;

  router.get(base, (req, res) => {
    provider(req);
    const services = Object.values(extensionsSlice.of(ctx.store.world).services);
    res.json(pageOf(req, res, services.map(json), { defaultSort: 'name' }));
  });
  router.post(base, (req, res) => {
    provider(req);
    const input = parseBody(extensionInput, req.body);
    const state = extensionsSlice.of(ctx.store.world);
    const id = extensionApiId(input);
    if (findService(ctx.store.world, id)) fail('duplicateName', { kind: 'extension service', name: id });
    const service: ExtensionService = {
      uuid: ctx.store.ids.uuid(),
      transport: 'mqtt',
      name: input.name,
      namespace: input.name,
      vendor: input.vendor,
      version: input.version,
      description: input.description ?? '',
      enabled: input.enabled ?? false,
      authorizationEnabled: input.authorizationEnabled ?? false,
      priority: input.priority ?? 50,
      routingKey: '',
      exchange: '',
      rightIds: [],
    };
    state.services[service.uuid] = service;
    res.status(201).setHeader('Link', legacyLink(service)).json(json(service));
  });
  router.get(`${base}/:id`, (req, res) => {
    const service = load(req);
    res.setHeader('Link', legacyLink(service)).json(json(service));
  });
  router.put(`${base}/:id`, (req, res) => {
    const service = load(req);
    const input = parseBody(extensionInput, req.body);
    if (extensionApiId(input) !== extensionApiId(service)) {
      fail('badRequest', { reason: 'The name, vendor and version of an extension service cannot change.' });
    }
    service.description = input.description ?? service.description;
    service.enabled = input.enabled ?? service.enabled;
    service.authorizationEnabled = input.authorizationEnabled ?? service.authorizationEnabled;
    service.priority = input.priority ?? service.priority;
    res.setHeader('Link', legacyLink(service)).json(json(service));
  });
  router.delete(`${base}/:id`, (req, res) => {
    const service = load(req);
    if (service.enabled) {
      fail('badRequest', {
        reason: `Extension service ${extensionApiId(service)} is enabled; disable it before deleting it.`,
      });
    }
    removeService(ctx.store.world, service);
    res.status(204).end();
  });

  const filterJson = (filter: ApiFilter) => {
    const service = extensionsSlice.of(ctx.store.world).services[filter.serviceUuid];
    return {
      id: filter.id,
      externalSystem: service ? { id: extensionApiId(service), name: service.name } : null,
      urlMatcher: { urlPattern: filter.urlPattern, urlScope: filter.urlScope },
      responseContentType: null,
    };
  };
  const loadFilter = (req: Request<{ id: string }>) => {
    provider(req);
    const filter = extensionsSlice.of(ctx.store.world).filters[uuidOf(req.params.id) ?? ''];
    if (!filter) fail('notFound', { kind: 'API filter', id: req.params.id });
    return filter;
  };
  router.get(filtersBase, (req, res) => {
    provider(req);
    const filters = Object.values(extensionsSlice.of(ctx.store.world).filters);
    res.json(pageOf(req, res, filters.map(filterJson), { defaultSort: 'id' }));
  });
  router.post(filtersBase, (req, res) => {
    provider(req);
    const input = parseBody(apiFilterInput, req.body);
    const service = findService(ctx.store.world, input.externalSystem.id);
    if (!service)
      fail('badRequest', { reason: `Extension service ${input.externalSystem.id} does not exist.` });
    checkPatterns([input.urlMatcher.urlPattern]);
    const filter = addFilter(
      ctx.store.world,
      ctx.store.ids,
      service,
      input.urlMatcher.urlPattern,
      input.urlMatcher.urlScope,
    );
    res.status(201).json(filterJson(filter));
  });
  router.get(`${filtersBase}/:id`, (req, res) => {
    res.json(filterJson(loadFilter(req)));
  });
  router.delete(`${filtersBase}/:id`, (req, res) => {
    const filter = loadFilter(req);
    delete extensionsSlice.of(ctx.store.world).filters[uuidOf(filter.id)!];
    res.status(204).end();
  });
  return router;
}
