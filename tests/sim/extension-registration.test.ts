import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RunningSimulator } from '../../sim/server.ts';
import { startTestSimulator, VcdClient, type VcdErrorBody } from '../helpers/vcd.ts';

interface LegacyService {
  href: string;
  id: string;
  name: string;
  namespace: string;
  enabled: boolean;
  routingKey: string;
  exchange: string;
  apiFilters: { apiFilter: { id: string; href: string; urlPattern: string }[] };
  link: { rel: string; href: string }[];
}

const base = '/api/admin/extension/service';
const cse = {
  name: 'cse',
  namespace: 'cse',
  description: 'CSE (RDE 1.3.0)',
  routingKey: 'cse',
  exchange: 'cse-ext',
  enabled: true,
  apiFilters: {
    apiFilter: ['/api/cse', '/api/cse/.*', '/api/pks', '/api/pks/.*'].map((urlPattern) => ({ urlPattern })),
  },
};

describe('extension service registration', () => {
  let sim: RunningSimulator;
  let provider: VcdClient;
  let acme: VcdClient;
  let service: LegacyService;

  before(async () => {
    sim = await startTestSimulator();
    provider = await VcdClient.provider(sim.url);
    acme = await VcdClient.login(sim.url, 'acme-admin', 'acme');
  });
  after(() => sim.close());

  test('the legacy registration answers 201 with VCD JSON AdminService, filters and links', async () => {
    const created = await provider.post<LegacyService>(base, cse);
    assert.equal(created.status, 201, created.text);
    service = created.body;
    assert.match(service.id, /^urn:vcloud:externalService:[0-9a-f-]{36}$/);
    assert.equal(service.routingKey, 'cse');
    assert.equal(service.exchange, 'cse-ext');
    assert.deepEqual(
      service.apiFilters.apiFilter.map((filter) => filter.urlPattern),
      cse.apiFilters.apiFilter.map((filter) => filter.urlPattern),
    );
    assert.ok(service.link.some((link) => link.rel === 'rights'));
    const read = await provider.get<LegacyService>(service.href);
    assert.deepEqual(read.body, service);
    const listed = await provider.get<{ reference: { id: string }[] }>(base);
    assert.deepEqual(
      listed.body.reference.map((ref) => ref.id),
      [service.id],
    );
  });

  test('registration refuses tenants, bad patterns, missing fields and duplicates', async () => {
    const tenant = await acme.post<VcdErrorBody>(base, { ...cse, name: 'other' });
    assert.equal(tenant.status, 403);
    assert.equal(tenant.body.majorErrorCode, 403);
    const badPattern = await provider.post<VcdErrorBody>(base, {
      ...cse,
      name: 'bad',
      apiFilters: { apiFilter: [{ urlPattern: '/api/(unclosed' }] },
    });
    assert.equal(badPattern.status, 400);
    assert.match(badPattern.body.message, /Invalid URL pattern/);
    const { exchange: _exchange, ...noExchange } = cse;
    const missing = await provider.post<VcdErrorBody>(base, { ...noExchange, name: 'noexchange' });
    assert.equal(missing.status, 400);
    assert.match(missing.body.message, /exchange/);
    const duplicate = await provider.post<VcdErrorBody>(base, cse);
    assert.equal(duplicate.status, 400);
    assert.equal(duplicate.body.minorErrorCode, 'DUPLICATE_NAME');
    assert.equal((await provider.get(`${base}/00000000-0000-4000-8000-000000000000`)).status, 404);
  });

  test('filters can be added and deleted one by one', async () => {
    const added = await provider.post<{ id: string; href: string; urlPattern: string }>(
      `${service.href}/apifilters`,
      {
        urlPattern: '/api/mqttEndpoint/cse',
      },
    );
    assert.equal(added.status, 201, added.text);
    assert.match(added.body.id, /^urn:vcloud:apiFilter:/);
    const list = await provider.get<{ apiFilter: { urlPattern: string }[] }>(`${service.href}/apifilters`);
    assert.equal(list.body.apiFilter.length, 5);
    assert.equal((await provider.delete(added.body.href)).status, 204);
    assert.equal((await provider.delete(added.body.href)).status, 404);
  });

  test('a service right is named {namespace}:name and becomes a VCD right', async () => {
    const created = await provider.post<{ id: string; name: string }>(`${service.href}/rights`, {
      name: 'CSE NATIVE DEPLOY RIGHT',
      description: 'Deploy clusters',
      category: 'cseRight',
      bundleKey: 'cse_native_deploy',
    });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.name, '{cse}:CSE NATIVE DEPLOY RIGHT');
    const rights = await provider.get<{ values: { name: string }[] }>(
      `/cloudapi/1.0.0/rights?filter=${encodeURIComponent('name=={cse}:CSE NATIVE DEPLOY RIGHT')}`,
    );
    assert.equal(rights.body.values.length, 1);
    const listed = await provider.get<{ right: { name: string }[] }>(`${service.href}/rights`);
    assert.deepEqual(
      listed.body.right.map((right) => right.name),
      ['{cse}:CSE NATIVE DEPLOY RIGHT'],
    );
  });

  test('an enabled service cannot be deleted; a disabled one can', async () => {
    const refused = await provider.delete<VcdErrorBody>(service.href);
    assert.equal(refused.status, 400);
    const disabled = await provider.put<LegacyService>(service.href, { ...service, enabled: false });
    assert.equal(disabled.status, 200, disabled.text);
    assert.equal(disabled.body.enabled, false);
    assert.equal((await provider.delete(service.href)).status, 204);
    assert.equal((await provider.get(service.href)).status, 404);
  });

  test('cloudapi registration: paging, duplicates, immutable identity, bad filters', async () => {
    const body = {
      name: 'ext',
      vendor: 'acme',
      version: '2.0.0',
      priority: 50,
      enabled: false,
      authorizationEnabled: false,
    };
    const created = await provider.post<{ id: string }>('/cloudapi/extensions/api', body);
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.id, 'urn:vcloud:extension-api:acme:ext:2.0.0');
    assert.equal((await provider.post('/cloudapi/extensions/api', body)).status, 400);
    const page = await provider.get<{ resultTotal: number; values: { id: string }[] }>(
      '/cloudapi/extensions/api',
    );
    assert.equal(page.status, 200);
    assert.ok(page.body.values.some((value) => value.id === created.body.id));
    const renamed = await provider.put<VcdErrorBody>(`/cloudapi/extensions/api/${created.body.id}`, {
      ...body,
      name: 'other',
    });
    assert.equal(renamed.status, 400);
    const priority = await provider.post<VcdErrorBody>('/cloudapi/extensions/api', {
      ...body,
      name: 'p',
      priority: 101,
    });
    assert.equal(priority.status, 400);
    assert.equal((await acme.get('/cloudapi/extensions/api')).status, 403);
    const filter = await provider.post<VcdErrorBody>('/cloudapi/1.0.0/apiFilters', {
      externalSystem: { id: 'urn:vcloud:extension-api:no:such:1.0.0' },
      urlMatcher: { urlPattern: '/api/x/.*', urlScope: 'API' },
    });
    assert.equal(filter.status, 400);
    assert.equal(
      (
        await provider.get(
          '/cloudapi/1.0.0/apiFilters/urn:vcloud:apiFilter:00000000-0000-4000-8000-000000000000',
        )
      ).status,
      404,
    );
  });
});
