/**
 * Org isolation and read-only refusals on every route that names one cluster, against the full worker (router,
 * cluster service, reconciler) through the simulator. The routes come from the worker's own OpenAPI document, so a
 * new cluster route is covered (or fails the coverage check) without editing this file.
 *
 * - A user of another org gets, byte for byte, the answer for a cluster that does not exist: no existence leak.
 * - A viewer (Kubernetes Cluster Viewer) may read, and is refused every route that changes a cluster or hands out
 *   its credentials with a 403 naming the right; the bootstrap report route needs no right but the one-time secret.
 * - Nothing a refused call does changes the cluster (entity and ETag as before).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { cseRights } from '../../behaviours/rights.ts';
import { BOOTSTRAP_SECRET_HEADER } from '../../backend/bootstrap/phases.ts';
import { VcdClient as TestClient, type VcdResponse } from '../helpers/vcd.ts';
import { createClusterEntity, type SeededCluster } from './api-fixtures.ts';
import { startClusterStack, type ClusterStack } from './cluster-fixtures.ts';

interface OpenApi {
  paths: Record<string, Record<string, { 'x-cse-right': string | null }>>;
}

interface Call {
  label: string;
  method: string;
  /** The path with `{id}` left in. */
  path: string;
  right: string | null;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Every route that names one cluster, listed in the OpenAPI document, plus the force variant of DELETE. */
function clusterCalls(document: OpenApi): Call[] {
  const calls: Call[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    if (!path.startsWith('/api/cse/v1/clusters/{id}')) continue;
    for (const [lower, operation] of Object.entries(methods)) {
      const method = lower.toUpperCase();
      const right = operation['x-cse-right'];
      const call: Call = { label: `${method} ${path}`, method, path, right };
      if (path.endsWith('/bootstrap')) {
        call.body = { phase: 'vm-started', status: 'succeeded', message: 'not from the VM' };
        call.headers = { [BOOTSTRAP_SECRET_HEADER]: 'not-the-secret' };
      } else if (method === 'POST' || method === 'PUT') {
        call.body = {};
      }
      calls.push(call);
      if (method === 'DELETE')
        calls.push({ ...call, label: `${call.label}?force=true`, path: `${path}?force=true` });
    }
  }
  return calls;
}

function send(user: TestClient, call: Call, id: string): Promise<VcdResponse> {
  return user.request(call.method, call.path.replace('{id}', encodeURIComponent(id)), {
    accept: 'application/json',
    ...(call.body === undefined ? {} : { body: call.body }),
    ...(call.headers ? { headers: call.headers } : {}),
  });
}

describe('cluster routes: no existence leak across orgs, viewers cannot change clusters', () => {
  let stack: ClusterStack;
  let users: Record<'acmeAuthor' | 'acmeViewer' | 'globexAuthor', TestClient>;
  let targets: SeededCluster[];
  let calls: Call[];

  /** The cluster as VCD stores it, with its ETag: what must not change. */
  async function snapshot(id: string): Promise<{ etag: string | null; entity: unknown }> {
    const response = await stack.vcd.get<{ entity: unknown; lastModificationDate?: string }>(
      `/cloudapi/1.0.0/entities/${id}`,
    );
    return { etag: response.etag ?? null, entity: response.body };
  }

  before(async () => {
    stack = await startClusterStack();
    users = {
      acmeAuthor: await TestClient.login(stack.sim.url, 'acme-author', 'acme'),
      acmeViewer: await TestClient.login(stack.sim.url, 'acme-viewer', 'acme'),
      globexAuthor: await TestClient.login(stack.sim.url, 'globex-author', 'globex'),
    };
    // Settled clusters: the reconciler leaves Ready and Failed ones alone until someone asks for a change.
    targets = [
      await createClusterEntity(users.acmeAuthor, 'acme-ready', 'Ready', 'acme'),
      await createClusterEntity(users.acmeAuthor, 'acme-failed', 'Failed', 'acme'),
    ];
    const document = await users.acmeAuthor.get<OpenApi>('/api/cse/v1/openapi.json', {
      accept: 'application/json',
    });
    assert.equal(document.status, 200, document.text);
    calls = clusterCalls(document.body);
  });
  after(() => stack.close());

  it('covers every cluster route the worker serves, lifecycle routes included', () => {
    const labels = calls.map((call) => call.label).sort();
    for (const expected of [
      'GET /api/cse/v1/clusters/{id}',
      'GET /api/cse/v1/clusters/{id}/events',
      'GET /api/cse/v1/clusters/{id}/kubeconfig',
      'GET /api/cse/v1/clusters/{id}/upgrades',
      'DELETE /api/cse/v1/clusters/{id}',
      'DELETE /api/cse/v1/clusters/{id}?force=true',
      'POST /api/cse/v1/clusters/{id}/retry',
      'POST /api/cse/v1/clusters/{id}/bootstrap',
    ]) {
      assert.ok(labels.includes(expected), `${expected} is not in ${labels.join(', ')}`);
    }
  });

  it("answers another org's user exactly as for a cluster that does not exist, and changes nothing", async () => {
    for (const target of targets) {
      const before0 = await snapshot(target.id);
      const missing = `urn:vcloud:entity:cseoss:k8scluster:${randomUUID()}`;
      for (const call of calls) {
        const other = await send(users.globexAuthor, call, target.id);
        const none = await send(users.globexAuthor, call, missing);
        const label = `${call.label} on ${target.name} as globex: ${other.status} ${other.text.slice(0, 300)}`;
        assert.equal(other.status, 404, label);
        assert.equal(other.status, none.status, label);
        assert.deepEqual(
          JSON.parse(other.text.replaceAll(target.id, '<id>')),
          JSON.parse(none.text.replaceAll(missing, '<id>')),
          label,
        );
        assert.equal((other.body as { minorErrorCode: string }).minorErrorCode, 'CLUSTER_NOT_FOUND', label);
        assert.doesNotMatch(other.text, new RegExp(target.name), label);
      }
      assert.deepEqual(await snapshot(target.id), before0, `${target.name} changed`);
    }
  });

  it("lets the cluster's own org reach the same routes (the 404s above are isolation, not absence)", async () => {
    const target = targets[0]!;
    const read = await users.acmeAuthor.get(`/api/cse/v1/clusters/${target.id}`, {
      accept: 'application/json',
    });
    assert.equal(read.status, 200, read.text);
    const events = await users.acmeAuthor.get(`/api/cse/v1/clusters/${target.id}/events`, {
      accept: 'application/json',
    });
    assert.equal(events.status, 200, events.text);
  });

  it('lets a viewer read, refuses every change and the kubeconfig naming the right, and changes nothing', async () => {
    for (const target of targets) {
      const before0 = await snapshot(target.id);
      for (const call of calls) {
        const response = await send(users.acmeViewer, call, target.id);
        const label = `${call.label} on ${target.name} as acme-viewer: ${response.status} ${response.text.slice(0, 300)}`;
        const error = response.body as { minorErrorCode?: string; message?: string };
        if (call.right === cseRights.view) {
          assert.equal(response.status, 200, label);
        } else if (call.right !== null) {
          assert.equal(call.right, cseRights.manage, label);
          assert.equal(response.status, 403, label);
          assert.deepEqual(
            error,
            {
              minorErrorCode: 'ACCESS_TO_RESOURCE_IS_FORBIDDEN',
              message: `This operation needs the right "${cseRights.manage}"`,
            },
            label,
          );
        } else {
          // The bootstrap report: no right (the VM reports as the owner), only the one-time secret lets it in.
          assert.equal(call.path, '/api/cse/v1/clusters/{id}/bootstrap', label);
          assert.equal(response.status, 403, label);
          assert.equal(error.minorErrorCode, 'BOOTSTRAP_SECRET_INVALID', label);
        }
      }
      assert.deepEqual(await snapshot(target.id), before0, `${target.name} changed`);
    }
  });
});
