/**
 * The template catalog through the simulator: lifecycle and publication set by the provider decide exactly what a
 * tenant is offered (and, through the catalog's sharing, what its VCD shows), expired templates are refused at
 * create, a cluster on an expired template lists its upgrade targets, and every bad request changes nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { VcdClient as TestClient } from '../helpers/vcd.ts';
import { createClusterEntity } from './api-fixtures.ts';
import {
  clusterRequest,
  createCluster,
  startClusterStack,
  tenant,
  type ClusterStack,
} from './cluster-fixtures.ts';

interface ProviderTemplate {
  id: string;
  name: string;
  kubernetesVersion: string;
  tkgVersion: string;
  lifecycle: string;
  expiresAt: string | null;
  publishedToAll: boolean;
  orgs: { id: string; name: string }[];
  catalog: { id: string; name: string };
  catalogAlsoShowsTo: { allOrgs: boolean; orgs: { id: string; name: string }[] };
  size: { cpus: number; memoryMb: number; storageMb: number };
  usable: boolean;
  unusableReason: string | null;
}
interface Offered {
  id: string;
  name: string;
  lifecycle: string;
  deprecated: boolean;
}
interface ErrorBody {
  minorErrorCode: string;
  message: string;
}

const json = { accept: 'application/json' };

describe('provider template catalog', () => {
  let stack: ClusterStack;
  let provider: TestClient;
  let acme: TestClient;
  let globex: TestClient;
  let templates: ProviderTemplate[];
  const byVersion = (k8s: string) => templates.find((t) => t.kubernetesVersion.startsWith(k8s))!;

  const setTemplate = (id: string, body: unknown) =>
    provider.put<ProviderTemplate & ErrorBody>(`/api/cse/v1/provider/templates/${id}`, body, json);
  const offered = async (user: TestClient) =>
    (await user.get<{ values: Offered[] }>('/api/cse/v1/templates', json)).body.values;
  const offeredVersions = async (user: TestClient) =>
    (await offered(user)).map((t) => templates.find((p) => p.id === t.id)!.kubernetesVersion).sort();
  const vcdTemplateCount = async (user: TestClient) =>
    (await user.get<{ total: number }>('/api/query?type=vAppTemplate&format=records')).body.total;

  before(async () => {
    stack = await startClusterStack();
    provider = await TestClient.provider(stack.sim.url);
    acme = await TestClient.login(stack.sim.url, 'acme-author', 'acme');
    globex = await TestClient.login(stack.sim.url, 'globex-author', 'globex');
    const list = await provider.get<{ resultTotal: number; values: ProviderTemplate[] }>(
      '/api/cse/v1/provider/templates',
      json,
    );
    assert.equal(list.status, 200, list.text);
    templates = list.body.values;
  });
  after(() => stack.close());

  it('discovers the TKG templates of the provider catalog with versions, size and where they are published', () => {
    assert.deepEqual(templates.map((t) => t.kubernetesVersion).sort(), [
      'v1.26.8+vmware.1',
      'v1.27.15+vmware.1',
      'v1.28.11+vmware.2',
      'v1.29.6+vmware.1',
      'v1.30.2+vmware.1',
    ]);
    const t = byVersion('v1.28.11');
    assert.equal(t.tkgVersion, 'v2.5.2');
    assert.ok(templates.every((x) => x.usable && x.unusableReason === null));
    assert.equal(t.catalog.name, 'tkg-templates');
    assert.deepEqual(t.size, { cpus: 2, memoryMb: 4096, storageMb: 20480 });
    assert.equal(t.lifecycle, 'supported');
    // The seeded catalog is published to every org, so every template starts published to all.
    assert.ok(templates.every((x) => x.publishedToAll && x.lifecycle === 'supported'));
    assert.ok(
      !templates.some((x) => x.name.startsWith('cse-bootstrap')),
      'the bootstrap template is not TKG',
    );
  });

  it('offers each tenant exactly the templates published to it, and VCD hides the catalog from a tenant with none', async () => {
    const [t126, t127, t128, t129, t130] = ['v1.26.8', 'v1.27.15', 'v1.28.11', 'v1.29.6', 'v1.30.2'].map(
      byVersion,
    );
    assert.equal((await setTemplate(t126!.id, { orgs: ['acme'] })).status, 200);
    assert.equal((await setTemplate(t130!.id, { orgs: ['acme'] })).status, 200);
    assert.equal((await setTemplate(t127!.id, { orgs: [] })).status, 200);
    const changed = await setTemplate(t128!.id, { orgs: ['globex', 'acme'] });
    assert.equal(changed.status, 200, changed.text);
    assert.deepEqual(
      changed.body.orgs.map((o) => o.name),
      ['acme', 'globex'],
    );
    assert.equal(changed.body.publishedToAll, false);
    assert.equal((await setTemplate(t129!.id, { orgs: ['acme'] })).status, 200);

    assert.deepEqual(await offeredVersions(acme), [
      'v1.26.8+vmware.1',
      'v1.28.11+vmware.2',
      'v1.29.6+vmware.1',
      'v1.30.2+vmware.1',
    ]);
    assert.deepEqual(await offeredVersions(globex), ['v1.28.11+vmware.2']);

    // VCD shares whole catalogs: globex's VCD catalog view also shows the acme-only templates, and the API says so.
    const listed = (
      await provider.get<{ values: ProviderTemplate[] }>('/api/cse/v1/provider/templates', json)
    ).body.values;
    const exposed = (id: string) => listed.find((t) => t.id === id)!.catalogAlsoShowsTo;
    const globexRef = changed.body.orgs.find((org) => org.name === 'globex')!;
    assert.deepEqual(exposed(t126!.id), { allOrgs: false, orgs: [globexRef] });
    assert.deepEqual(exposed(t128!.id), { allOrgs: false, orgs: [] });

    // VCD-native: the catalog is no longer published to all, but shared with the orgs that have a template in it.
    const catalog = await provider.get<{ isPublished: boolean }>(
      `/api/admin/catalog/${t128!.catalog.id.split(':').pop()}`,
    );
    assert.equal(catalog.body.isPublished, false);
    assert.equal((await setTemplate(t128!.id, { orgs: ['acme'] })).status, 200);
    assert.deepEqual(await offeredVersions(globex), []);
    assert.equal(await vcdTemplateCount(globex), 0, "globex's VCD no longer shows the catalog");
    assert.ok((await vcdTemplateCount(acme)) > 0);

    const all = await setTemplate(t128!.id, { orgs: 'all' });
    assert.equal(all.body.publishedToAll, true);
    assert.deepEqual(await offeredVersions(globex), ['v1.28.11+vmware.2']);
    assert.ok((await vcdTemplateCount(globex)) > 0);
  });

  it('flags deprecated templates and stops offering expired ones, by lifecycle or by date', async () => {
    const t128 = byVersion('v1.28.11');
    const deprecated = await setTemplate(t128.id, { lifecycle: 'deprecated' });
    assert.equal(deprecated.body.lifecycle, 'deprecated');
    const offer = (await offered(acme)).find((t) => t.id === t128.id)!;
    assert.deepEqual(
      { lifecycle: offer.lifecycle, deprecated: offer.deprecated },
      { lifecycle: 'deprecated', deprecated: true },
    );

    const t129 = byVersion('v1.29.6');
    const soon = new Date(Date.now() + 1500).toISOString();
    const dated = await setTemplate(t129.id, { expiresAt: soon });
    assert.equal(dated.status, 200, dated.text);
    assert.equal(dated.body.lifecycle, 'supported');
    assert.ok((await offered(acme)).some((t) => t.id === t129.id));
    await new Promise((resolve) => setTimeout(resolve, 1600));
    assert.ok(!(await offered(acme)).some((t) => t.id === t129.id), 'expired by date');
    const listed = (
      await provider.get<{ values: ProviderTemplate[] }>('/api/cse/v1/provider/templates', json)
    ).body.values;
    assert.equal(listed.find((t) => t.id === t129.id)!.lifecycle, 'expired');
    assert.equal((await setTemplate(t129.id, { expiresAt: null, lifecycle: 'supported' })).status, 200);
    assert.ok((await offered(acme)).some((t) => t.id === t129.id));
  });

  it('refuses to create a cluster on an expired template, naming it', async () => {
    const who = await tenant(stack, 'acme');
    const t126 = byVersion('v1.26.8');
    assert.equal((await setTemplate(t126.id, { lifecycle: 'expired' })).status, 200);
    const refused = await createCluster(who, clusterRequest(who, 'on-expired', { template: t126.name }));
    assert.equal(refused.status, 400, JSON.stringify(refused.body));
    assert.equal(refused.body.minorErrorCode, 'INVALID_CLUSTER');
    assert.ok(
      refused.body.errors!.some((e) => e.rule === 'template-expired' && e.message.includes(t126.name)),
    );
    const t127 = byVersion('v1.27.15');
    const unpublished = await createCluster(who, clusterRequest(who, 'unpublished', { template: t127.name }));
    assert.equal(unpublished.status, 400);
    assert.ok(unpublished.body.errors!.some((e) => e.rule === 'template-published'));
  });

  it('lists the upgrade targets of a cluster on an expired template', async () => {
    const t126 = byVersion('v1.26.8');
    // Every template published to acme again, the cluster's own one expired.
    for (const t of templates) await setTemplate(t.id, { orgs: ['acme', 'globex'] });
    const cluster = await createClusterEntity(acme, 'old-cluster', 'Ready', 'acme');
    await stack.vcd.get(`/cloudapi/1.0.0/entities/${cluster.id}`); // exists
    const entity = await stack.vcd.get<Record<string, unknown>>(`/cloudapi/1.0.0/entities/${cluster.id}`);
    const body = entity.body as { entity: { spec: { template: string }; status: { versions: object } } };
    body.entity.spec.template = t126.name;
    body.entity.status.versions = { kubernetes: 'v1.26.8+vmware.1', tkg: 'v2.3.1' };
    const put = await stack.vcd.put(`/cloudapi/1.0.0/entities/${cluster.id}`, body, { ifMatch: entity.etag });
    assert.equal(put.status, 200);

    const upgrades = await acme.get<{
      current: { template: string; lifecycle: string };
      values: ProviderTemplate[];
    }>(`/api/cse/v1/clusters/${cluster.id}/upgrades`, json);
    assert.equal(upgrades.status, 200, upgrades.text);
    assert.equal(upgrades.body.current.lifecycle, 'expired');
    // Same or higher TKG, Kubernetes at most one minor ahead: 1.28 is two minors away.
    assert.deepEqual(
      upgrades.body.values.map((t) => t.kubernetesVersion),
      ['v1.27.15+vmware.1'],
    );
    const foreign = await globex.get<ErrorBody>(`/api/cse/v1/clusters/${cluster.id}/upgrades`, json);
    assert.equal(foreign.status, 404);
  });

  it('refuses a template that is not TKG, an unknown id, a past expiry and an unknown org, changing nothing', async () => {
    const before = (
      await provider.get<{ values: ProviderTemplate[] }>('/api/cse/v1/provider/templates', json)
    ).body;
    const records = await provider.get<{ record: { id: string; name: string }[] }>(
      '/api/query?type=adminVAppTemplate&format=idrecords&pageSize=128',
    );
    const bootstrap = records.body.record.find((r) => r.name.startsWith('cse-bootstrap'))!;
    const notTkg = await setTemplate(bootstrap.id, { lifecycle: 'deprecated' });
    assert.equal(notTkg.status, 400, notTkg.text);
    assert.equal(notTkg.body.minorErrorCode, 'NOT_A_TKG_TEMPLATE');
    assert.match(notTkg.body.message, /cse-bootstrap-ubuntu-2204.*not a TKG template/);

    const unknown = await setTemplate('urn:vcloud:vapptemplate:00000000-0000-0000-0000-000000000000', {
      lifecycle: 'deprecated',
    });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.minorErrorCode, 'TEMPLATE_NOT_FOUND');

    const target = byVersion('v1.28.11');
    const past = await setTemplate(target.id, { expiresAt: '2020-01-01T00:00:00Z', lifecycle: 'deprecated' });
    assert.equal(past.status, 400);
    assert.equal(past.body.minorErrorCode, 'EXPIRY_IN_PAST');
    assert.match(past.body.message, /2020-01-01T00:00:00Z is in the past/);

    const org = await setTemplate(target.id, { orgs: ['acme', 'initech'], lifecycle: 'deprecated' });
    assert.equal(org.status, 400);
    assert.equal(org.body.minorErrorCode, 'UNKNOWN_ORG');
    assert.match(org.body.message, /"initech" does not exist/);

    const badBody = await setTemplate(target.id, { lifecycle: 'retired' });
    assert.equal(badBody.status, 400);
    assert.match(badBody.body.message, /^lifecycle: must be one of supported, deprecated, expired/);

    const after = (await provider.get<{ values: ProviderTemplate[] }>('/api/cse/v1/provider/templates', json))
      .body;
    assert.deepEqual(after, before);
  });

  it('refuses provider routes to a tenant user, naming the right', async () => {
    for (const [method, path] of [
      ['GET', '/api/cse/v1/provider/templates'],
      ['PUT', `/api/cse/v1/provider/templates/${byVersion('v1.28.11').id}`],
    ] as const) {
      const response = await acme.request(method, path, {
        ...json,
        body: method === 'PUT' ? { orgs: 'all' } : undefined,
      });
      assert.equal(response.status, 403, path);
      assert.equal(
        (response.body as ErrorBody).message,
        'This operation needs the right "{cse}:Kubernetes Cluster: Administer"',
      );
    }
  });
});
