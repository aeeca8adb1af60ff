/**
 * The OpenAPI 3.1 document, generated from the same route table the dispatcher uses, so the two cannot drift:
 * paths, methods, parameters, bodies, success schemas, the right each operation needs (`x-cse-right`), its scope
 * (`x-cse-scope`) and the catalogue errors it can answer.
 */
import { productVersion } from '../version.ts';
import { apiErrorCatalogue, type ApiErrorName } from './errors.ts';
import { openApiParameter } from './query.ts';
import type { JsonSchema, Route } from './route.ts';

/** Errors any route can answer. */
const commonErrors: ApiErrorName[] = [
  'methodNotAllowed',
  'notAcceptable',
  'unauthenticated',
  'vcdUnavailable',
  'vcdError',
  'internal',
];

function errorsOf(route: Route): ApiErrorName[] {
  const names = [...commonErrors];
  if (route.right !== null) names.push('missingRight', 'vcdForbidden');
  if (route.scope === 'provider') names.push('providerOnly');
  if (route.scope === 'tenant') names.push('tenantOnly');
  if (route.query?.length) names.push('invalidQueryParameter');
  names.push('unknownQueryParameter');
  if (route.body)
    names.push('missingBody', 'malformedBody', 'invalidBody', 'unsupportedMediaType', 'bodyTooLarge');
  for (const name of route.errors ?? []) names.push(name as ApiErrorName);
  return [...new Set(names)];
}

function responsesOf(route: Route): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  for (const [status, response] of Object.entries(route.responses)) {
    responses[status] = response.schema
      ? { description: response.description, content: { 'application/json': { schema: response.schema } } }
      : { description: response.description };
  }
  const byStatus = new Map<number, string[]>();
  for (const name of errorsOf(route)) {
    const entry = apiErrorCatalogue[name];
    byStatus.set(entry.status, [...(byStatus.get(entry.status) ?? []), entry.code]);
  }
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[String(status)] = {
      description: `Error: ${[...new Set(codes)].join(', ')}`,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  }
  return responses;
}

export function openApiDocument(routes: readonly Route[], schemas: Record<string, JsonSchema>): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const pathParameters = Object.entries(route.pathParameters ?? {}).map(([name, parameter]) => ({
      name,
      in: 'path',
      required: true,
      description: parameter.description,
      schema: parameter.pattern ? { type: 'string', pattern: parameter.pattern } : { type: 'string' },
    }));
    const operation: Record<string, unknown> = {
      operationId: route.operationId,
      summary: route.summary,
      tags: route.tags,
      parameters: [...pathParameters, ...(route.query ?? []).map(openApiParameter)],
      responses: responsesOf(route),
      'x-cse-right': route.right,
      'x-cse-scope': route.scope,
    };
    if (route.description) operation['description'] = route.description;
    if (route.body) {
      operation['requestBody'] = {
        required: true,
        content: { 'application/json': { schema: route.body.schema } },
      };
    }
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Container Service Extension API',
      version: productVersion,
      description:
        'Kubernetes clusters in VMware Cloud Director. Reached through VCD at /api/cse/v1 with a VCD session ' +
        '(Authorization: Bearer …); errors are VCD-style {minorErrorCode, message}.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    paths,
    components: {
      schemas: {
        Error: {
          type: 'object',
          required: ['minorErrorCode', 'message'],
          properties: {
            minorErrorCode: {
              type: 'string',
              enum: [...new Set(Object.values(apiErrorCatalogue).map((entry) => entry.code))],
            },
            message: { type: 'string' },
          },
        },
        ...schemas,
      },
    },
  };
}
