/**
 * The router as a pure function of a route table: matching, 404/405/406, query and body validation, and the
 * catalogue's error bodies. The directory is a two-line stand-in (no VCD here); everything else is real.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Directory } from '../../backend/api/auth.ts';
import { createRouter } from '../../backend/api/router.ts';
import type { Route } from '../../backend/api/route.ts';
import type { ExtensionRequest } from '../../backend/bus/envelope.ts';
import { VcdError } from '../../backend/vcd/errors.ts';

const directory: Directory = {
  isProviderOrg: async (org) => org === 'urn:vcloud:org:system',
  rightId: async (name) => (name === 'Thing: View' ? 'urn:vcloud:right:thing-view' : undefined),
};

const routes: Route[] = [
  {
    method: 'GET',
    path: '/api/cse/v1/things/{id}',
    operationId: 'getThing',
    summary: 'a thing',
    tags: [],
    right: 'Thing: View',
    scope: 'both',
    query: [{ name: 'size', kind: 'integer', minimum: 1, maximum: 10, description: 'size' }],
    responses: { 200: { description: 'ok' } },
    handler: async ({ params, query }) => ({
      status: 200,
      body: { id: params['id'], size: query['size'] ?? null },
    }),
  },
  {
    method: 'POST',
    path: '/api/cse/v1/things',
    operationId: 'createThing',
    summary: 'make a thing',
    tags: [],
    right: null,
    scope: 'tenant',
    body: {
      schema: {},
      validate: (body) =>
        typeof (body as { name?: unknown }).name === 'string'
          ? []
          : [{ field: 'name', reason: 'is required' }],
    },
    responses: { 201: { description: 'made' } },
    handler: async ({ body }) => ({ status: 201, body }),
  },
  {
    method: 'GET',
    path: '/api/cse/v1/fragile',
    operationId: 'fragile',
    summary: 'fails',
    tags: [],
    right: null,
    scope: 'provider',
    responses: { 200: { description: 'never' } },
    handler: async ({ query }) => {
      throw query['vcd']
        ? new VcdError(503, 'BUSY', 'VCD is busy', 'GET /x')
        : new Error('boom at /secret/path');
    },
    query: [{ name: 'vcd', kind: 'boolean', description: 'fail like VCD' }],
  },
];

const router = createRouter({ routes, directory, maxBodyBytes: 64 });

function request(method: string, uri: string, extra: Partial<ExtensionRequest> = {}): ExtensionRequest {
  const [path, query = ''] = uri.split('?');
  return {
    id: 'req-1',
    transport: 'amqp',
    method,
    path: path!,
    queryString: query,
    query: new URLSearchParams(query),
    headers: { accept: 'application/json;version=38.1' },
    body: Buffer.alloc(0),
    securityContext: {
      user: 'urn:vcloud:user:u',
      org: 'urn:vcloud:org:acme',
      rights: ['urn:vcloud:right:thing-view'],
    },
    connection: {},
    ...extra,
  };
}

async function call(req: ExtensionRequest) {
  const response = await router(req);
  return {
    status: response.statusCode,
    headers: response.headers ?? {},
    body: response.body?.length
      ? (JSON.parse(response.body.toString()) as Record<string, unknown>)
      : undefined,
  };
}

describe('router', () => {
  it('matches path parameters and checks the right by id as VCD sends it', async () => {
    const ok = await call(request('GET', '/api/cse/v1/things/a%20b/?size=3'));
    assert.deepEqual(ok, {
      status: 200,
      headers: { 'Content-Type': 'application/json' },
      body: { id: 'a b', size: 3 },
    });
    const byName = await call(
      request('GET', '/api/cse/v1/things/x', {
        securityContext: { user: 'u', org: 'urn:vcloud:org:acme', rights: ['Thing: View'] },
      }),
    );
    assert.equal(byName.status, 200);
  });

  it('answers 404 for unknown paths and 405 with Allow for known paths', async () => {
    assert.deepEqual((await call(request('GET', '/api/cse/v1/nothing'))).body, {
      minorErrorCode: 'NOT_FOUND',
      message: 'No resource at GET /api/cse/v1/nothing',
    });
    const wrong = await call(request('DELETE', '/api/cse/v1/things'));
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers['Allow'], 'POST');
    assert.equal(wrong.body!['minorErrorCode'], 'METHOD_NOT_ALLOWED');
  });

  it('negotiates JSON: wildcards and vendor +json are fine, an Accept without JSON is 406', async () => {
    for (const accept of [
      '*/*',
      'application/*+json;version=38.1',
      'text/html, application/json;q=0.5',
      '',
    ]) {
      const response = await call(request('GET', '/api/cse/v1/things/x', { headers: { accept } }));
      assert.equal(response.status, 200, accept);
    }
    const refused = await call(request('GET', '/api/cse/v1/things/x', { headers: { accept: 'text/html' } }));
    assert.equal(refused.status, 406);
    const zero = await call(
      request('GET', '/api/cse/v1/things/x', { headers: { accept: 'application/json;q=0' } }),
    );
    assert.equal(zero.status, 406);
  });

  it('refuses invalid and unknown query parameters naming the parameter', async () => {
    const cases: [string, string, string][] = [
      ['size=11', 'INVALID_QUERY_PARAMETER', 'Query parameter "size" must be between 1 and 10, got 11'],
      ['size=two', 'INVALID_QUERY_PARAMETER', 'Query parameter "size" must be a whole number, got "two"'],
      ['size=1&size=2', 'INVALID_QUERY_PARAMETER', 'Query parameter "size" must be given at most once'],
      [
        'colour=red',
        'UNKNOWN_QUERY_PARAMETER',
        'Query parameter "colour" is not supported here; supported: size',
      ],
    ];
    for (const [query, code, message] of cases) {
      const response = await call(request('GET', `/api/cse/v1/things/x?${query}`));
      assert.deepEqual(
        { status: response.status, ...response.body },
        { status: 400, minorErrorCode: code, message },
      );
    }
  });

  it('refuses a missing right with 403 naming it, and scopes routes to tenants or providers', async () => {
    const denied = await call(
      request('GET', '/api/cse/v1/things/x', {
        securityContext: { user: 'u', org: 'urn:vcloud:org:acme', rights: [] },
      }),
    );
    assert.deepEqual(denied.body, {
      minorErrorCode: 'ACCESS_TO_RESOURCE_IS_FORBIDDEN',
      message: 'This operation needs the right "Thing: View"',
    });
    const providerOnly = await call(request('GET', '/api/cse/v1/fragile'));
    assert.equal(providerOnly.body!['minorErrorCode'], 'PROVIDER_ONLY');
    const tenantOnly = await call(
      request('POST', '/api/cse/v1/things', {
        securityContext: { user: 'u', org: 'urn:vcloud:org:system', rights: [] },
      }),
    );
    assert.equal(tenantOnly.body!['minorErrorCode'], 'TENANT_ONLY');
  });

  it('checks bodies: missing, not JSON, wrong type, too large, invalid', async () => {
    const post = (body: string, contentType = 'application/json') =>
      call(
        request('POST', '/api/cse/v1/things', {
          headers: { accept: 'application/json', 'content-type': contentType },
          body: Buffer.from(body),
        }),
      );
    assert.equal((await post('')).body!['minorErrorCode'], 'MISSING_BODY');
    assert.deepEqual((await post('{"name"')).body, {
      minorErrorCode: 'MALFORMED_BODY',
      message: 'The request body is not valid JSON: malformed JSON at position 7',
    });
    assert.equal((await post('name=x', 'application/x-www-form-urlencoded')).status, 415);
    assert.equal((await post(JSON.stringify({ name: 'x'.repeat(100) }))).status, 413);
    assert.deepEqual((await post('{}')).body, {
      minorErrorCode: 'INVALID_BODY',
      message: 'name: is required',
    });
    assert.deepEqual(await post('{"name":"a"}'), {
      status: 201,
      headers: { 'Content-Type': 'application/json' },
      body: { name: 'a' },
    });
  });

  it('turns VCD trouble into 503 and anything unexpected into a 500 without details', async () => {
    const provider = { user: 'u', org: 'urn:vcloud:org:system', rights: [] };
    const busy = await call(request('GET', '/api/cse/v1/fragile?vcd=true', { securityContext: provider }));
    assert.equal(busy.status, 503);
    assert.equal(busy.body!['minorErrorCode'], 'VCD_UNAVAILABLE');
    const boom = await call(request('GET', '/api/cse/v1/fragile', { securityContext: provider }));
    assert.deepEqual(boom, {
      status: 500,
      headers: { 'Content-Type': 'application/json' },
      body: {
        minorErrorCode: 'INTERNAL_ERROR',
        message: 'Internal error while answering request req-1; the worker log has the details',
      },
    });
  });
});
