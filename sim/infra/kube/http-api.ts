import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import type { ClusterObjects, PatchType } from './cluster-objects.ts';
import { coreVersions, group, groupList, resourceList, versionInfo } from './discovery.ts';
import type { KubeObject } from './objects.ts';
import { isJsonObject } from './objects.ts';
import { openApiV2Json, openApiV2Protobuf, openApiV3Document, openApiV3Root } from './openapi.ts';
import type { ResourceType } from './resources.ts';
import { groupVersionOf } from './resources.ts';
import { parseFieldSelector, parseLabelSelector } from './selectors.ts';
import { KubeStatusError, resourceNotFound, unauthorized } from './status.ts';
import { table } from './tables.ts';

export interface HttpApiOptions {
  objects: ClusterObjects;
  token: string;
  kubernetesVersion: string;
  now(): number;
  serverAddress(): string;
  /** Open watch streams, ended when the server stops. */
  watches: Set<ServerResponse>;
}

interface ResourceRequest {
  type: ResourceType;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
}

const maxBody = 16 * 1024 * 1024;
const publicPaths = new Set(['/healthz', '/livez', '/readyz', '/version']);

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBody) throw new KubeStatusError('BadRequest', 'the request body is too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseObjectBody(text: string, contentType: string): unknown {
  try {
    return contentType.includes('yaml') ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw new KubeStatusError(
      'BadRequest',
      `the request body could not be decoded: ${(error as Error).message}`,
    );
  }
}

const patchTypes: Record<string, PatchType> = {
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/json-patch+json': 'json',
  'application/apply-patch+yaml': 'apply',
};

/** The manager Kubernetes records when a client names none: its user agent's program name. */
const defaultManager = (req: IncomingMessage): string =>
  (req.headers['user-agent'] ?? 'unknown').split('/')[0]!.trim() || 'unknown';

/**
 * The emulated cluster's REST API over one request handler: discovery, OpenAPI, and the
 * resource verbs (list/watch, get, create, update, patch, delete, deletecollection) for every
 * built-in and custom type, with Kubernetes `Status` errors. Bearer token auth on everything
 * except the health and version endpoints.
 */
export function createHttpApi(options: HttpApiOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { objects } = options;
  const registry = objects.resources;

  function resolve(segments: string[]): ResourceRequest | undefined {
    let group = '';
    let version: string;
    let rest: string[];
    if (segments[0] === 'api') [version, rest] = [segments[1]!, segments.slice(2)];
    else [group, version, rest] = [segments[1]!, segments[2]!, segments.slice(3)];
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      const candidate = registry.byUrl(group, version, rest[2]!);
      if (candidate?.namespaced) [namespace, rest] = [rest[1]!, rest.slice(2)];
    }
    if (rest.length === 0 || rest.length > 3) return undefined;
    const type = registry.byUrl(group, version, rest[0]!);
    if (!type || (namespace !== undefined && !type.namespaced)) return undefined;
    return { type, namespace, name: rest[1], subresource: rest[2] };
  }

  const served = (type: ResourceType, object: KubeObject): KubeObject => ({
    ...object,
    apiVersion: groupVersionOf(type),
  });

  function select(request: ResourceRequest, query: URLSearchParams): KubeObject[] {
    const labelSelector = query.get('labelSelector');
    const fieldSelector = query.get('fieldSelector');
    const matchLabels = labelSelector ? parseLabelSelector(labelSelector) : undefined;
    const matchFields = fieldSelector ? parseFieldSelector(fieldSelector) : undefined;
    return objects
      .list(request.type, request.namespace)
      .filter((object) => !matchLabels || matchLabels(object.metadata.labels ?? {}))
      .filter((object) => !matchFields || matchFields(object));
  }

  function list(
    req: IncomingMessage,
    res: ServerResponse,
    request: ResourceRequest,
    query: URLSearchParams,
  ): void {
    let items = select(request, query);
    const limit = Number(query.get('limit') ?? 0);
    const start = query.get('continue')
      ? Number(Buffer.from(query.get('continue')!, 'base64url').toString())
      : 0;
    if (!Number.isInteger(start) || start < 0)
      throw new KubeStatusError('BadRequest', 'invalid continue token');
    const total = items.length;
    items = items.slice(start, limit > 0 ? start + limit : undefined);
    const next = limit > 0 && start + items.length < total ? start + items.length : undefined;
    const metadata = {
      resourceVersion: objects.store.revision,
      ...(next !== undefined
        ? { continue: Buffer.from(String(next)).toString('base64url'), remainingItemCount: total - next }
        : {}),
    };
    if ((req.headers.accept ?? '').includes('as=Table')) {
      send(
        res,
        200,
        table(request.type, items, options.now(), query.get('includeObject') ?? 'Metadata', metadata),
      );
      return;
    }
    send(res, 200, {
      kind: request.type.listKind,
      apiVersion: groupVersionOf(request.type),
      metadata,
      items: items.map((item) => served(request.type, item)),
    });
  }

  function watch(
    req: IncomingMessage,
    res: ServerResponse,
    request: ResourceRequest,
    query: URLSearchParams,
  ): void {
    const labelSelector = query.get('labelSelector');
    const fieldSelector = query.get('fieldSelector');
    const matchLabels = labelSelector ? parseLabelSelector(labelSelector) : undefined;
    const matchFields = fieldSelector ? parseFieldSelector(fieldSelector) : undefined;
    const matches = (object: KubeObject) =>
      (request.namespace === undefined || object.metadata.namespace === request.namespace) &&
      (!matchLabels || matchLabels(object.metadata.labels ?? {})) &&
      (!matchFields || matchFields(object));
    const since = query.get('resourceVersion');
    const sinceNumber = Number(since);
    const replay = since && since !== '0' ? objects.store.changesSince(sinceNumber) : [];
    if (replay === undefined || (since && since !== '0' && !Number.isInteger(sinceNumber)))
      throw new KubeStatusError('Expired', `too old resource version: ${since} (${objects.store.revision})`);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    const write = (type: string, object: KubeObject) =>
      res.write(`${JSON.stringify({ type, object: served(request.type, object) })}\n`);
    if (!since || since === '0') for (const object of select(request, query)) write('ADDED', object);
    for (const change of replay) {
      if (change.resource.group !== request.type.group || change.resource.plural !== request.type.plural)
        continue;
      if (matches(change.object)) write(change.type, change.object);
    }
    const unsubscribe = objects.store.onChange((change) => {
      if (change.resource.group !== request.type.group || change.resource.plural !== request.type.plural)
        return;
      if (matches(change.object)) write(change.type, change.object);
    });
    options.watches.add(res);
    const timeout = Math.min(Number(query.get('timeoutSeconds') ?? 1800) || 1800, 1800) * 1000;
    const timer = setTimeout(() => res.end(), timeout);
    const close = () => {
      clearTimeout(timer);
      unsubscribe();
      options.watches.delete(res);
    };
    res.on('close', close);
    req.on('close', close);
  }

  async function handleResource(
    req: IncomingMessage,
    res: ServerResponse,
    request: ResourceRequest,
    query: URLSearchParams,
  ): Promise<void> {
    const { type, name, subresource } = request;
    const namespace = request.namespace ?? '';
    const method = req.method ?? 'GET';
    if (subresource !== undefined && (subresource !== 'status' || !type.hasStatus)) throw resourceNotFound();
    if (type.namespaced && request.namespace === undefined && (name !== undefined || method !== 'GET'))
      throw resourceNotFound();
    const dryRun = query.getAll('dryRun').includes('All');
    const fieldManager = query.get('fieldManager') ?? defaultManager(req);
    const contentType = (req.headers['content-type'] ?? 'application/json').split(';')[0]!.trim();
    const writeOptions = { dryRun, fieldManager, subresource: subresource as 'status' | undefined };
    if (name === undefined) {
      if (method === 'GET') {
        const watching = query.get('watch') === 'true' || query.get('watch') === '1';
        return watching ? watch(req, res, request, query) : list(req, res, request, query);
      }
      if (method === 'POST') {
        const created = objects.create(
          type,
          namespace,
          parseObjectBody(await readBody(req), contentType),
          writeOptions,
        );
        return send(res, 201, served(type, created));
      }
      if (method === 'DELETE') {
        const selected = select(request, query);
        if (!dryRun)
          for (const object of selected)
            objects.delete(type, object.metadata.namespace ?? '', object.metadata.name!);
        return send(res, 200, {
          kind: type.listKind,
          apiVersion: groupVersionOf(type),
          metadata: { resourceVersion: objects.store.revision },
          items: selected.map((object) => served(type, object)),
        });
      }
      throw new KubeStatusError(
        'MethodNotAllowed',
        `the server does not allow this method on the requested resource`,
      );
    }
    switch (method) {
      case 'GET':
        return send(res, 200, served(type, objects.get(type, namespace, name)));
      case 'PUT': {
        const updated = objects.update(
          type,
          namespace,
          name,
          parseObjectBody(await readBody(req), contentType),
          writeOptions,
        );
        return send(res, 200, served(type, updated));
      }
      case 'PATCH': {
        const patchType = patchTypes[contentType];
        if (!patchType)
          throw new KubeStatusError(
            'UnsupportedMediaType',
            `the body of the request was in an unknown format - accepted media types include: ${Object.keys(patchTypes).join(', ')}`,
          );
        const force = query.get('force') === 'true';
        const { object, created } = objects.patch(type, namespace, name, patchType, await readBody(req), {
          ...writeOptions,
          fieldManager: patchType === 'apply' ? (query.get('fieldManager') ?? undefined) : fieldManager,
          force,
        });
        return send(res, created ? 201 : 200, served(type, object));
      }
      case 'DELETE': {
        const text = await readBody(req);
        const body = text.trim() ? parseObjectBody(text, 'application/json') : {};
        const deleteOptions = isJsonObject(body) ? body : {};
        const bodyDryRun = Array.isArray(deleteOptions['dryRun']) && deleteOptions['dryRun'].includes('All');
        const propagationPolicy =
          query.get('propagationPolicy') ?? (deleteOptions['propagationPolicy'] as string | undefined);
        const removed = objects.delete(type, namespace, name, {
          dryRun: dryRun || bodyDryRun,
          propagationPolicy,
        });
        return send(res, 200, {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Success',
          details: { name, group: type.group || undefined, kind: type.plural, uid: removed.metadata.uid },
        });
      }
      default:
        throw new KubeStatusError(
          'MethodNotAllowed',
          `the server does not allow this method on the requested resource`,
        );
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://kube');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (!publicPaths.has(path) && req.headers.authorization !== `Bearer ${options.token}`)
      throw unauthorized();
    if (path === '/healthz' || path === '/livez' || path === '/readyz') {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      return void res.end('ok');
    }
    if (path === '/version') return send(res, 200, versionInfo(options.kubernetesVersion));
    if (path === '/api') return send(res, 200, coreVersions(options.serverAddress()));
    if (path === '/apis') return send(res, 200, groupList(registry));
    if (path === '/openapi/v3') return send(res, 200, openApiV3Root(registry));
    if (path.startsWith('/openapi/v3/')) {
      const document = openApiV3Document(
        registry,
        path.slice('/openapi/v3/'.length),
        options.kubernetesVersion,
      );
      if (!document) throw resourceNotFound();
      return send(res, 200, document);
    }
    if (path === '/openapi/v2') {
      if ((req.headers.accept ?? '').includes('protobuf')) {
        const body = openApiV2Protobuf(options.kubernetesVersion);
        res.writeHead(200, {
          'Content-Type': 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf',
          'Content-Length': body.length,
        });
        return void res.end(body);
      }
      return send(res, 200, openApiV2Json(options.kubernetesVersion));
    }
    const segments = path.split('/').slice(1).map(decodeURIComponent);
    if (segments[0] === 'api' && segments.length === 2) {
      const body = resourceList(registry, '', segments[1]!);
      if (!body) throw resourceNotFound();
      return send(res, 200, body);
    }
    if (segments[0] === 'apis' && segments.length === 2) {
      const body = group(registry, segments[1]!);
      if (!body) throw resourceNotFound();
      return send(res, 200, body);
    }
    if (segments[0] === 'apis' && segments.length === 3) {
      const body = resourceList(registry, segments[1]!, segments[2]!);
      if (!body) throw resourceNotFound();
      return send(res, 200, body);
    }
    const request =
      (segments[0] === 'api' && segments.length > 2) || (segments[0] === 'apis' && segments.length > 3)
        ? resolve(segments)
        : undefined;
    if (!request) throw resourceNotFound();
    return handleResource(req, res, request, url.searchParams);
  }

  return (req, res) => {
    handle(req, res).catch((error: unknown) => {
      const status =
        error instanceof KubeStatusError
          ? error
          : new KubeStatusError(
              'InternalError',
              `emulated API server error: ${(error as Error)?.message ?? String(error)}`,
            );
      if (res.headersSent) return void res.end();
      send(res, status.code, status.body());
    });
  };
}
