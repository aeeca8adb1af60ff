import { Router, type Request } from 'express';
import { z } from 'zod';
import type { SimContext } from '../../context.ts';
import { principalOf } from '../../http/auth.ts';
import { parseBody } from '../../http/body.ts';
import { fail } from '../../http/errors.ts';
import { uuidOf } from '../../world/ids.ts';
import {
  addFilter,
  extensionsSlice,
  filtersOf,
  findService,
  invalidPattern,
  legacyServiceUrn,
  removeService,
  type ApiFilter,
  type ExtensionService,
} from './extension-services.ts';

const serviceType = 'application/vnd.vmware.admin.service+json';
const filterType = 'application/vnd.vmware.admin.apiFilter+json';
const rightType = 'application/vnd.vmware.admin.right+json';

/** Fields VCD puts in its own representations; a client may send them back, they are ignored. */
const echoed = {
  href: z.string().optional(),
  type: z.string().optional(),
  id: z.string().optional(),
  link: z.unknown().optional(),
  otherAttributes: z.unknown().optional(),
  vCloudExtension: z.unknown().optional(),
};

const filterInput = z.object({ ...echoed, urlPattern: z.string().min(1).max(1024) }).strict();

/** JSON form of VCD's `vmext:Service` (AdminServiceType): element names in camelCase. */
const serviceInput = z
  .object({
    ...echoed,
    name: z.string().min(1).max(128),
    namespace: z.string().min(1).max(128),
    description: z.string().max(1024).nullish(),
    enabled: z.boolean().optional(),
    authorizationEnabled: z.boolean().optional(),
    routingKey: z.string().min(1).max(255),
    exchange: z.string().min(1).max(255),
    priority: z.number().int().min(0).max(100).optional(),
    serviceLinks: z.unknown().optional(),
    apiFilters: z
      .object({ apiFilter: z.array(filterInput) })
      .strict()
      .nullish(),
  })
  .strict();

const rightInput = z
  .object({
    ...echoed,
    name: z.string().min(1).max(255),
    description: z.string().max(1024).nullish(),
    category: z.string().max(255).nullish(),
    bundleKey: z.string().max(255).nullish(),
    serviceNamespace: z.string().max(255).nullish(),
    rightType: z.enum(['VIEW', 'MODIFY']).optional(),
  })
  .strict();

const base = '/api/admin/extension/service';

export function checkPatterns(patterns: string[]): void {
  for (const pattern of patterns) {
    const problem = invalidPattern(pattern);
    if (problem) fail('badRequest', { reason: `Invalid URL pattern "${pattern}": ${problem}` });
  }
}

/** The legacy extension-service API (`/api/admin/extension/service`), in VCD's JSON form. */
export function legacyServiceRoutes(ctx: SimContext): Router {
  const router = Router();
  const href = (path: string) => `${ctx.publicUrl()}${base}${path}`;

  const filterJson = (filter: ApiFilter) => ({
    href: href(`/apifilter/${uuidOf(filter.id)}`),
    type: filterType,
    id: filter.id,
    urlPattern: filter.urlPattern,
  });
  const serviceJson = (service: ExtensionService) => ({
    href: href(`/${service.uuid}`),
    type: serviceType,
    id: legacyServiceUrn(service),
    name: service.name,
    namespace: service.namespace,
    description: service.description,
    enabled: service.enabled,
    authorizationEnabled: service.authorizationEnabled,
    routingKey: service.routingKey,
    exchange: service.exchange,
    priority: service.priority,
    apiFilters: { apiFilter: filtersOf(ctx.store.world, service).map(filterJson) },
    link: [
      { rel: 'edit', href: href(`/${service.uuid}`), type: serviceType },
      { rel: 'remove', href: href(`/${service.uuid}`) },
      { rel: 'down', href: href(`/${service.uuid}/apifilters`), type: filterType },
      { rel: 'rights', href: href(`/${service.uuid}/rights`), type: rightType },
    ],
  });
  const provider = (req: Request) => {
    if (!principalOf(req).isProvider) fail('providerOnly', { operation: `${req.method} ${req.path}` });
  };
  const load = (req: Request<{ id: string }>) => {
    provider(req);
    const service = findService(ctx.store.world, req.params.id);
    if (!service) fail('notFound', { kind: 'Extension service', id: req.params.id });
    return service;
  };
  const rightJson = (id: string) => {
    const right = ctx.store.world.rights[id];
    return (
      right && { ...right, href: `${ctx.publicUrl()}/api/admin/right/${uuidOf(right.id)}`, type: rightType }
    );
  };

  router.get(`${base}/apifilter/:id`, (req, res) => {
    provider(req);
    const filter = extensionsSlice.of(ctx.store.world).filters[uuidOf(req.params.id) ?? ''];
    if (!filter) fail('notFound', { kind: 'API filter', id: req.params.id });
    res.json(filterJson(filter));
  });
  router.delete(`${base}/apifilter/:id`, (req, res) => {
    provider(req);
    const filters = extensionsSlice.of(ctx.store.world).filters;
    const uuid = uuidOf(req.params.id) ?? '';
    if (!filters[uuid]) fail('notFound', { kind: 'API filter', id: req.params.id });
    delete filters[uuid];
    res.status(204).end();
  });

  router.get(base, (req, res) => {
    provider(req);
    const services = Object.values(extensionsSlice.of(ctx.store.world).services);
    res.type(serviceType).json({
      reference: services.map((service) => ({
        href: href(`/${service.uuid}`),
        id: legacyServiceUrn(service),
        name: service.name,
        type: serviceType,
      })),
    });
  });
  router.post(base, (req, res) => {
    provider(req);
    const input = parseBody(serviceInput, req.body);
    const patterns = (input.apiFilters?.apiFilter ?? []).map((filter) => filter.urlPattern);
    checkPatterns(patterns);
    const world = ctx.store.world;
    const state = extensionsSlice.of(world);
    if (Object.values(state.services).some((s) => s.name === input.name && s.namespace === input.namespace)) {
      fail('duplicateName', { kind: 'extension service', name: input.name });
    }
    const service: ExtensionService = {
      uuid: ctx.store.ids.uuid(),
      transport: 'amqp',
      name: input.name,
      namespace: input.namespace,
      vendor: input.namespace,
      version: '1.0.0',
      description: input.description ?? '',
      enabled: input.enabled ?? false,
      authorizationEnabled: input.authorizationEnabled ?? false,
      priority: input.priority ?? 50,
      routingKey: input.routingKey,
      exchange: input.exchange,
      rightIds: [],
    };
    state.services[service.uuid] = service;
    for (const pattern of patterns) addFilter(world, ctx.store.ids, service, pattern);
    res
      .status(201)
      .type(serviceType)
      .location(href(`/${service.uuid}`))
      .json(serviceJson(service));
  });
  router.get(`${base}/:id`, (req, res) => {
    res.type(serviceType).json(serviceJson(load(req)));
  });
  router.put(`${base}/:id`, (req, res) => {
    const service = load(req);
    const input = parseBody(serviceInput, req.body);
    const patterns = input.apiFilters
      ? input.apiFilters.apiFilter.map((filter) => filter.urlPattern)
      : undefined;
    if (patterns) checkPatterns(patterns);
    Object.assign(service, {
      name: input.name,
      namespace: input.namespace,
      description: input.description ?? service.description,
      enabled: input.enabled ?? service.enabled,
      authorizationEnabled: input.authorizationEnabled ?? service.authorizationEnabled,
      priority: input.priority ?? service.priority,
      routingKey: input.routingKey,
      exchange: input.exchange,
    });
    if (patterns) {
      const world = ctx.store.world;
      for (const filter of filtersOf(world, service))
        delete extensionsSlice.of(world).filters[uuidOf(filter.id)!];
      for (const pattern of patterns) addFilter(world, ctx.store.ids, service, pattern);
    }
    res.type(serviceType).json(serviceJson(service));
  });
  router.delete(`${base}/:id`, (req, res) => {
    const service = load(req);
    if (service.enabled) {
      fail('badRequest', {
        reason: `Extension service ${service.name} is enabled; disable it before deleting it.`,
      });
    }
    removeService(ctx.store.world, service);
    res.status(204).end();
  });

  router.get(`${base}/:id/apifilters`, (req, res) => {
    const service = load(req);
    res.json({ apiFilter: filtersOf(ctx.store.world, service).map(filterJson) });
  });
  router.post(`${base}/:id/apifilters`, (req, res) => {
    const service = load(req);
    const input = parseBody(filterInput, req.body);
    checkPatterns([input.urlPattern]);
    const filter = addFilter(ctx.store.world, ctx.store.ids, service, input.urlPattern);
    res.status(201).type(filterType).json(filterJson(filter));
  });

  router.get(`${base}/:id/rights`, (req, res) => {
    const service = load(req);
    res.json({ right: service.rightIds.map(rightJson).filter(Boolean) });
  });
  router.post(`${base}/:id/rights`, (req, res) => {
    const service = load(req);
    const input = parseBody(rightInput, req.body);
    // VCD qualifies a service right with the service namespace: `{cse}:CSE NATIVE DEPLOY RIGHT`.
    const name = `{${service.namespace}}:${input.name}`;
    if (Object.values(ctx.store.world.rights).some((right) => right.name === name)) {
      fail('duplicateName', { kind: 'right', name });
    }
    const right = ctx.access.registerRight({
      name,
      description: input.description ?? '',
      category: input.category ?? service.namespace,
      serviceNamespace: input.serviceNamespace ?? service.namespace,
    });
    service.rightIds.push(right.id);
    res.status(201).type(rightType).json(rightJson(right.id));
  });
  return router;
}
