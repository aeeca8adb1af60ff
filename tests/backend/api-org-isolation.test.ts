/**
 * Org isolation over every route the worker serves (read from its own OpenAPI document): each tenant user against
 * the other org's objects, through the simulator and the bus. Also the router's refusals as a client sees them
 * through VCD, and a caller without our rights on every route that needs one.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { VcdClient as TestClient } from '../helpers/vcd.ts';
import {
  cseGet,
  createClusterEntity,
  startApiStack,
  type ApiStack,
  type SeededCluster,
} from './api-fixtures.ts';

interface Operation {
  method: string;
  path: string;
  right: string | null;
}

interface OpenApi {
  openapi: string;
  paths: Record<string, Record<string, { 'x-cse-right': string | null; 'x-cse-scope': string }>>;
}

describe('org isolation and refusals through the simulator', () => {
  let stack: ApiStack;
  let users: Record<'acme' | 'globex', TestClient>;
  let clusters: Record<'acme' | 'globex', SeededCluster>;
  let operations: Operation[];

  before(async () => {
    stack = await startApiStack('mqtt');
    users = {
      acme: await TestClient.login(stack.sim.url, 'acme-author', 'acme'),
      globex: await TestClient.login(stack.sim.url, 'globex-author', 'globex'),
    };
    clusters = {
      acme: await createClusterEntity(users.acme, 'acme-private', 'Ready', 'acme'),
      globex: await createClusterEntity(users.globex, 'globex-private', 'Ready', 'globex'),
    };
    const document = await cseGet<OpenApi>(users.acme, '/openapi.json');
    assert.equal(document.status, 200);
    assert.equal(document.body.openapi, '3.1.0');
    operations = Object.entries(document.body.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({
        method: method.toUpperCase(),
        path,
        right: operation['x-cse-right'],
      })),
    );
  });
  after(() => stack.close());

  it('the OpenAPI document lists the read routes with their rights', () => {
    const listed = operations.map((operation) => `${operation.method} ${operation.path}`);
    for (const expected of [
      'GET /api/cse/v1/about',
      'GET /api/cse/v1/openapi.json',
      'GET /api/cse/v1/clusters',
      'GET /api/cse/v1/clusters/{id}',
      'GET /api/cse/v1/templates',
    ]) {
      assert.ok(listed.includes(expected), expected);
    }
    assert.equal(
      operations.find((operation) => operation.path === '/api/cse/v1/clusters')!.right,
      '{cse}:Kubernetes Cluster: View',
    );
  });

  for (const [self, other] of [
    ['acme', 'globex'],
    ['globex', 'acme'],
  ] as const) {
    it(`a ${self} user never reaches or sees ${other}'s cluster on any route`, async () => {
      for (const operation of operations) {
        const path = operation.path
          .replace('{id}', encodeURIComponent(clusters[other].id))
          .replace('{org}', other)
          .replace(/\{\w+\}/g, 'x');
        const response = await users[self].request(operation.method, path, {
          accept: 'application/json',
          body: operation.method === 'POST' || operation.method === 'PUT' ? {} : undefined,
        });
        const label = `${operation.method} ${path} as ${self}: ${response.status} ${response.text.slice(0, 200)}`;
        assert.doesNotMatch(response.text, new RegExp(`${other}-private|"name":"${other}"`), label);
        if (operation.path.includes('{id}')) {
          assert.ok(response.status === 404 || response.status === 400 || response.status === 403, label);
        }
      }
    });
  }

  it('refuses every route that needs a right to a user without our rights, naming the right', async () => {
    const orgAdmin = await TestClient.login(stack.sim.url, 'acme-admin', 'acme');
    for (const operation of operations.filter((candidate) => candidate.right !== null)) {
      const path = operation.path.replace('{id}', clusters.acme.id).replace(/\{\w+\}/g, 'x');
      const response = await orgAdmin.request(operation.method, path, {
        accept: 'application/json',
        body: operation.method === 'POST' || operation.method === 'PUT' ? {} : undefined,
      });
      assert.equal(response.status, 403, `${operation.method} ${path}`);
      assert.equal(
        (response.body as { message: string }).message,
        `This operation needs the right "${operation.right}"`,
      );
    }
  });

  it('answers unknown routes, wrong methods, bad query values and non-JSON Accept as the catalogue says', async () => {
    const user = users.acme;
    const unknown = await cseGet(user, '/nothing/here');
    assert.deepEqual(
      { status: unknown.status, body: unknown.body },
      {
        status: 404,
        body: { minorErrorCode: 'NOT_FOUND', message: 'No resource at GET /api/cse/v1/nothing/here' },
      },
    );
    const wrongMethod = await user.request('DELETE', '/api/cse/v1/templates', { accept: 'application/json' });
    assert.equal(wrongMethod.status, 405);
    assert.equal(wrongMethod.headers.get('allow'), 'GET');
    const badPageSize = await cseGet(user, '/clusters?pageSize=500');
    assert.deepEqual(badPageSize.body, {
      minorErrorCode: 'INVALID_QUERY_PARAMETER',
      message: 'Query parameter "pageSize" must be between 1 and 128, got 500',
    });
    const badPhase = await cseGet(user, '/clusters?phase=Running');
    assert.equal(badPhase.status, 400);
    assert.match((badPhase.body as { message: string }).message, /^Query parameter "phase" must be one of/);
    const badName = await cseGet(user, '/clusters?name=' + encodeURIComponent('a";x==b'));
    assert.equal(badName.status, 400);
    const html = await cseGet(user, '/clusters', 'text/html');
    assert.equal(html.status, 406);
    const malformedId = await cseGet(user, '/clusters/not-an-id');
    assert.equal(malformedId.status, 404);
  });
});
