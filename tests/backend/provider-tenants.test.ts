/**
 * Tenants as the provider sees them through the simulator: the readiness checklist per org, publishing and
 * unpublishing our rights bundle and both roles (idempotent, all or nothing when VCD fails half-way), and refusals.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SimAdmin, VcdClient as TestClient } from '../helpers/vcd.ts';
import { startApiStack, type ApiStack } from './api-fixtures.ts';

interface Readiness {
  org: { id: string; name: string };
  ready: boolean;
  published: boolean;
  checklist: { key: string; ok: boolean; message: string }[];
}
interface ErrorBody {
  minorErrorCode: string;
  message: string;
}

const json = { accept: 'application/json' };

describe('provider tenants', () => {
  let stack: ApiStack;
  let provider: TestClient;
  let admin: SimAdmin;

  const tenants = async () =>
    (await provider.get<{ values: Readiness[] }>('/api/cse/v1/provider/tenants', json)).body.values;
  const item = (readiness: Readiness, key: string) => readiness.checklist.find((entry) => entry.key === key)!;
  const action = (org: string, verb: 'publish' | 'unpublish') =>
    provider.post<Readiness & ErrorBody>(`/api/cse/v1/provider/tenants/${org}/${verb}`, undefined, json);
  /** Which of our containers list the org as published (read from VCD itself). */
  const publishedTo = async (org: string) => {
    const result: string[] = [];
    for (const kind of ['rightsBundles', 'globalRoles']) {
      const all = await provider.get<{ values: { id: string; name: string }[] }>(
        `/cloudapi/1.0.0/${kind}?pageSize=128`,
      );
      for (const container of all.body.values.filter((c) =>
        /CSE OSS|Kubernetes Cluster (Author|Viewer)$/.test(c.name),
      )) {
        const orgs = await provider.get<{ values: { name: string }[] }>(
          `/cloudapi/1.0.0/${kind}/${container.id}/tenants?pageSize=128`,
        );
        if (orgs.body.values.some((o) => o.name === org)) result.push(container.name);
      }
    }
    return result.sort();
  };

  before(async () => {
    stack = await startApiStack('mqtt');
    provider = await TestClient.provider(stack.sim.url);
    admin = new SimAdmin(stack.sim.url);
  });
  after(() => stack.close());

  it('lists every tenant with a complete checklist after install', async () => {
    const list = await tenants();
    assert.deepEqual(
      list.map((t) => t.org.name),
      ['acme', 'globex'],
    );
    for (const tenant of list) {
      assert.deepEqual(
        tenant.checklist.map((entry) => entry.key),
        ['rightsBundle', 'roles', 'sizingPolicies', 'storageProfile', 'network', 'vipCapacity', 'templates'],
      );
      assert.ok(tenant.ready, JSON.stringify(tenant.checklist.filter((entry) => !entry.ok)));
      assert.match(
        item(tenant, 'network').message,
        /behind edge gateway .* \(NSX ALB with a service engine group\)/,
      );
    }
  });

  it('unpublishes the bundle and both roles from one org, says what to do, and publishes them back', async () => {
    const unpublished = await action('globex', 'unpublish');
    assert.equal(unpublished.status, 200, unpublished.text);
    assert.equal(unpublished.body.published, false);
    assert.equal(unpublished.body.ready, false);
    assert.match(
      item(unpublished.body, 'rightsBundle').message,
      /not published to globex; publish it: cse tenants publish globex/,
    );
    assert.match(
      item(unpublished.body, 'roles').message,
      /"Kubernetes Cluster Author".*"Kubernetes Cluster Viewer".*not published/,
    );
    assert.deepEqual(await publishedTo('globex'), []);
    assert.equal((await publishedTo('acme')).length, 3, 'acme keeps all three');
    // Our routes are now closed to globex users (the right is gone with the bundle).
    const globex = await TestClient.login(stack.sim.url, 'globex-author', 'globex');
    assert.equal((await globex.get('/api/cse/v1/clusters', json)).status, 403);

    const again = await action('globex', 'unpublish');
    assert.equal(again.status, 200, 'unpublishing twice is fine');

    const published = await action('globex', 'publish');
    assert.equal(published.status, 200);
    assert.equal(published.body.published, true);
    assert.ok(published.body.ready);
    assert.equal((await publishedTo('globex')).length, 3);
    assert.equal((await action('globex', 'publish')).status, 200, 'publishing twice is fine');
  });

  it('leaves the org as it was when VCD refuses a step half-way', async () => {
    await action('acme', 'unpublish');
    // The second and third steps publish global roles: refuse the first of them once.
    await admin.setFaults([
      {
        method: 'POST',
        path: '/cloudapi/1.0.0/globalRoles/*/tenants/publish',
        error: { status: 400, minorErrorCode: 'BAD_REQUEST', message: 'injected refusal' },
        remaining: 1,
      },
    ]);
    const failed = await action('acme', 'publish');
    await admin.clearFaults();
    assert.notEqual(failed.status, 200);
    assert.match(failed.body.message, /injected refusal/);
    assert.deepEqual(
      await publishedTo('acme'),
      [],
      'the bundle published before the failure is unpublished again',
    );
    assert.equal((await action('acme', 'publish')).status, 200);
    assert.equal((await publishedTo('acme')).length, 3);
  });

  it('refuses an org that does not exist, naming it and the tenants', async () => {
    for (const verb of ['publish', 'unpublish'] as const) {
      const response = await action('initech', verb);
      assert.equal(response.status, 404);
      assert.deepEqual(response.body, {
        minorErrorCode: 'ORG_NOT_FOUND',
        message:
          'Organisation "initech" does not exist or is not a tenant organisation; tenants: acme, globex',
      });
    }
    assert.equal((await action('System', 'publish')).status, 404, 'the provider org is not a tenant');
  });

  it('refuses every provider route to a tenant user, naming the right', async () => {
    const user = await TestClient.login(stack.sim.url, 'acme-author', 'acme');
    for (const [method, path] of [
      ['GET', '/api/cse/v1/provider/tenants'],
      ['GET', '/api/cse/v1/provider/tenants/acme'],
      ['POST', '/api/cse/v1/provider/tenants/acme/publish'],
      ['POST', '/api/cse/v1/provider/tenants/globex/unpublish'],
    ] as const) {
      const response = await user.request(method, path, json);
      assert.equal(response.status, 403, path);
      assert.equal(
        (response.body as ErrorBody).message,
        'This operation needs the right "{cse}:Kubernetes Cluster: Administer"',
      );
    }
  });
});
