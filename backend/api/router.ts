/**
 * Dispatches `/api/cse/**` requests from the bus to the route table: path match (404), method (405 with `Allow`),
 * `Accept` (406), caller and right (403), query (400 naming the parameter), body (415, 413, 400), then the handler.
 * Every failure is an entry of the error catalogue; an unexpected exception is logged and answered as a 500 whose
 * message names the request id, never with a stack trace.
 */
import type { Logger } from 'pino';
import type { ExtensionRequest, ExtensionResponse } from '../bus/envelope.ts';
import { jsonResponse } from '../bus/responses.ts';
import type { RequestHandler } from '../bus/transport.ts';
import { VcdError } from '../vcd/errors.ts';
import { principalOf, requireRight, requireScope, type Directory } from './auth.ts';
import { ApiError } from './errors.ts';
import { acceptsJson, isJsonContentType } from './negotiation.ts';
import { parseQuery } from './query.ts';
import type { Route } from './route.ts';

export interface RouterOptions {
  routes: readonly Route[];
  directory: Directory;
  logger?: Logger;
  /** Largest JSON body a route accepts (the bus already refuses bigger messages). */
  maxBodyBytes?: number;
}

interface CompiledPath {
  pattern: RegExp;
  parameterNames: string[];
  routes: Map<string, Route>;
}

function compile(routes: readonly Route[]): CompiledPath[] {
  const byPath = new Map<string, CompiledPath>();
  for (const route of routes) {
    let compiled = byPath.get(route.path);
    if (!compiled) {
      const parameterNames: string[] = [];
      const source = route.path
        .split('/')
        .map((segment) => {
          const parameter = /^\{(\w+)\}$/.exec(segment);
          if (parameter) {
            parameterNames.push(parameter[1]!);
            return '([^/]+)';
          }
          return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        })
        .join('/');
      compiled = { pattern: new RegExp(`^${source}$`), parameterNames, routes: new Map() };
      byPath.set(route.path, compiled);
    }
    if (compiled.routes.has(route.method))
      throw new Error(`route ${route.method} ${route.path} is declared twice`);
    compiled.routes.set(route.method, route);
  }
  return [...byPath.values()];
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** A VCD failure seen by a handler, as the caller should see it. */
export function apiErrorFromVcd(error: VcdError): ApiError {
  if (error.status === 0 || error.status >= 500 || error.minorErrorCode.startsWith('BUSY_')) {
    return new ApiError('vcdUnavailable', { reason: error.message });
  }
  if (error.status === 401) return new ApiError('unauthenticated');
  if (error.status === 403) return new ApiError('vcdForbidden', { reason: error.message });
  return new ApiError('vcdError', { reason: error.message });
}

export function createRouter(options: RouterOptions): RequestHandler {
  const compiled = compile(options.routes);
  const maxBodyBytes = options.maxBodyBytes ?? 10 * 1024 * 1024;

  async function dispatch(request: ExtensionRequest): Promise<ExtensionResponse> {
    const path = request.path.length > 1 ? request.path.replace(/\/+$/, '') : request.path;
    let match: { compiled: CompiledPath; values: string[] } | undefined;
    for (const candidate of compiled) {
      const found = candidate.pattern.exec(path);
      if (found) {
        match = { compiled: candidate, values: found.slice(1) };
        break;
      }
    }
    if (!match) throw new ApiError('notFound', { method: request.method, path: request.path });
    const route = match.compiled.routes.get(request.method);
    if (!route) {
      const allowed = [...match.compiled.routes.keys()].sort().join(', ');
      throw new ApiError('methodNotAllowed', { method: request.method, path, allowed }, { Allow: allowed });
    }
    if (!acceptsJson(request.headers['accept'])) {
      throw new ApiError('notAcceptable', { accept: request.headers['accept'] ?? '' });
    }

    const principal = await principalOf(request, options.directory);
    // The right first: a tenant on a provider route is told which right it lacks (and only then the scope).
    await requireRight(principal, route.right, options.directory);
    requireScope(principal, route.scope, route.method, route.path);

    const params: Record<string, string> = {};
    const { compiled: matched, values } = match;
    matched.parameterNames.forEach((name, index) => (params[name] = decodeSegment(values[index]!)));
    const query = parseQuery(route.query ?? [], request.query);
    const body = route.body ? readBody(request, route, maxBodyBytes) : undefined;

    const result = await route.handler({ request, principal, params, query, body });
    if (result.body === undefined) return { statusCode: result.status, headers: result.headers };
    return jsonResponse(result.status, result.body, result.headers);
  }

  return async (request) => {
    try {
      return await dispatch(request);
    } catch (error) {
      if (error instanceof ApiError) return error.toResponse();
      if (error instanceof VcdError) {
        const mapped = apiErrorFromVcd(error);
        options.logger?.warn(
          {
            requestId: request.id,
            operation: error.operation,
            status: error.status,
            code: error.minorErrorCode,
          },
          'VCD call failed while answering a request',
        );
        return mapped.toResponse();
      }
      options.logger?.error(
        { requestId: request.id, method: request.method, path: request.path, err: error },
        'unexpected error while answering a request',
      );
      return new ApiError('internal', { requestId: request.id }).toResponse();
    }
  };
}

function readBody(request: ExtensionRequest, route: Route, maxBodyBytes: number): unknown {
  if (request.body.length === 0) throw new ApiError('missingBody');
  if (request.body.length > maxBodyBytes) {
    throw new ApiError('bodyTooLarge', { size: request.body.length, limit: maxBodyBytes });
  }
  const contentType = request.headers['content-type'];
  if (!isJsonContentType(contentType)) {
    throw new ApiError('unsupportedMediaType', { contentType: contentType ?? '(none)' });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(request.body.toString('utf8'));
  } catch (error) {
    const position = /position (\d+)/.exec((error as Error).message)?.[1];
    throw new ApiError('malformedBody', {
      reason: position === undefined ? 'malformed JSON' : `malformed JSON at position ${position}`,
    });
  }
  const problems = route.body!.validate(parsed);
  if (problems.length > 0) {
    const first = problems[0]!;
    throw new ApiError('invalidBody', { field: first.field, reason: first.reason });
  }
  return parsed;
}
