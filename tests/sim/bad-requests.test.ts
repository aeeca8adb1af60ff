import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningSimulator } from '../../sim/server.ts';
import { startTestSimulator, VcdClient, type VcdErrorBody } from '../helpers/vcd.ts';

describe('bad requests get VCD status codes and error bodies, never a 500', () => {
  let sim: RunningSimulator;
  let provider: VcdClient;
  before(async () => {
    sim = await startTestSimulator({ jsonBodyLimitBytes: 64 * 1024 });
    provider = await VcdClient.provider(sim.url);
  });
  after(() => sim.close());

  const assertVcdError = (
    response: { status: number; body: unknown },
    status: number,
    minorErrorCode: string,
  ) => {
    assert.equal(response.status, status);
    const body = response.body as VcdErrorBody;
    assert.equal(body.minorErrorCode, minorErrorCode);
    assert.equal(typeof body.message, 'string');
    assert.ok('stackTrace' in body);
  };

  it('malformed JSON → 400', async () => {
    const response = await provider.request('POST', '/cloudapi/1.0.0/roles', {
      rawBody: '{"name": "broken",',
      headers: { 'content-type': 'application/json' },
    });
    assertVcdError(response, 400, 'BAD_REQUEST');
    assert.match((response.body as VcdErrorBody).message, /Malformed JSON/);
  });

  it('a body over the limit → 413', async () => {
    const response = await provider.post('/cloudapi/1.0.0/globalRoles', {
      name: 'big',
      description: 'x'.repeat(128 * 1024),
    });
    assertVcdError(response, 413, 'REQUEST_ENTITY_TOO_LARGE');
  });

  it('an unknown field → 400 naming it', async () => {
    const response = await provider.post<VcdErrorBody>('/cloudapi/1.0.0/globalRoles', {
      name: 'r',
      colour: 'blue',
    });
    assertVcdError(response, 400, 'BAD_REQUEST');
    assert.match(response.body.message, /Unrecognized field "colour"/);
  });

  it('a wrong type → 400 naming the field', async () => {
    const response = await provider.post<VcdErrorBody>('/cloudapi/1.0.0/globalRoles', { name: 42 });
    assertVcdError(response, 400, 'BAD_REQUEST');
    assert.match(response.body.message, /name: expected string, got number/);
  });

  it('a JSON body that is not an object, or none at all → 400', async () => {
    assertVcdError(await provider.post('/cloudapi/1.0.0/globalRoles', [1, 2]), 400, 'BAD_REQUEST');
    assertVcdError(await provider.post('/cloudapi/1.0.0/globalRoles', 'text'), 400, 'BAD_REQUEST');
    assertVcdError(await provider.request('POST', '/cloudapi/1.0.0/globalRoles'), 400, 'BAD_REQUEST');
  });

  it('an unknown id → 404', async () => {
    assertVcdError(
      await provider.get('/cloudapi/1.0.0/roles/urn:vcloud:role:00000000-0000-4000-8000-000000000000'),
      404,
      'RESOURCE_NOT_FOUND',
    );
    assertVcdError(await provider.get('/cloudapi/1.0.0/users/not-even-a-urn'), 404, 'RESOURCE_NOT_FOUND');
    assertVcdError(
      await provider.get('/cloudapi/1.0.0/tokens/urn:vcloud:token:nope'),
      404,
      'RESOURCE_NOT_FOUND',
    );
  });

  it('an unsupported API version → 406, on cloudapi and on the legacy API', async () => {
    const cloudapi = await provider.get<VcdErrorBody>('/cloudapi/1.0.0/orgs', {
      accept: 'application/json;version=12.0',
    });
    assertVcdError(cloudapi, 406, 'NOT_ACCEPTABLE');
    assert.match(cloudapi.body.message, /12\.0/);
    const legacy = await provider.get<VcdErrorBody>('/api/session', {
      accept: 'application/*+json;version=99.0',
    });
    assertVcdError(legacy, 406, 'NOT_ACCEPTABLE');
    assert.equal(legacy.body.majorErrorCode, 406);
  });

  it('cloudapi works without a version; the legacy API needs one', async () => {
    assert.equal((await provider.get('/cloudapi/1.0.0/orgs', { accept: 'application/json' })).status, 200);
    assert.equal((await provider.get('/cloudapi/1.0.0/orgs', { accept: null })).status, 200);
    assertVcdError(
      await provider.get('/api/session', { accept: 'application/*+json' }),
      406,
      'NOT_ACCEPTABLE',
    );
    const versions = await fetch(`${sim.url}/api/versions`);
    assert.equal(versions.status, 200);
  });

  it('a missing bearer → 401, with the legacy body under /api', async () => {
    const anonymous = new VcdClient(sim.url);
    assertVcdError(await anonymous.get('/cloudapi/1.0.0/orgs'), 401, 'UNAUTHORIZED');
    const legacy = await anonymous.get<VcdErrorBody>('/api/task/00000000-0000-4000-8000-000000000000');
    assertVcdError(legacy, 401, 'UNAUTHORIZED');
    assert.equal(legacy.body.majorErrorCode, 401);
  });

  it("wrong org: a tenant cannot see or change another org's role (404)", async () => {
    const globexAdmin = await VcdClient.login(sim.url, 'globex-admin', 'globex');
    const acmeAdmin = await VcdClient.login(sim.url, 'acme-admin', 'acme');
    const role = (await globexAdmin.post<{ id: string }>('/cloudapi/1.0.0/roles', { name: 'globex only' }))
      .body;
    assertVcdError(await acmeAdmin.get(`/cloudapi/1.0.0/roles/${role.id}`), 404, 'RESOURCE_NOT_FOUND');
    assertVcdError(
      await acmeAdmin.put(`/cloudapi/1.0.0/roles/${role.id}`, { name: 'hijack' }),
      404,
      'RESOURCE_NOT_FOUND',
    );
    assertVcdError(await acmeAdmin.delete(`/cloudapi/1.0.0/roles/${role.id}`), 404, 'RESOURCE_NOT_FOUND');
  });

  it('missing rights → 403', async () => {
    const viewer = await VcdClient.login(sim.url, 'acme-viewer', 'acme');
    assertVcdError(
      await viewer.post('/cloudapi/1.0.0/roles', { name: 'nope' }),
      403,
      'ACCESS_TO_RESOURCE_IS_FORBIDDEN',
    );
  });

  it('odd inputs (bad percent-encoding, huge page numbers, odd headers) never give a 500', async () => {
    const cases = [
      await provider.get('/cloudapi/1.0.0/orgs/%E0%A4%A'),
      await provider.get('/cloudapi/1.0.0/orgs?page=99999999999999999999'),
      await provider.get('/cloudapi/1.0.0/orgs', {
        headers: { 'x-vmware-vcloud-tenant-context': 'garbage' },
      }),
      await provider.request('POST', '/cloudapi/1.0.0/roles', {
        rawBody: '\u0000\u0001',
        headers: { 'content-type': 'application/json' },
      }),
      await provider.request('POST', '/cloudapi/1.0.0/roles', {
        rawBody: 'name=x',
        headers: { 'content-type': 'text/plain' },
      }),
    ];
    for (const response of cases) {
      assert.ok(response.status >= 400 && response.status < 500, `${response.status} ${response.text}`);
      assert.equal(typeof (response.body as VcdErrorBody).minorErrorCode, 'string');
    }
  });
});
