/**
 * The simulator's platform answers (versions, sessions, errors, UI plugins, API extensions) checked against
 * VMware's typed statement of Cloud Director's JSON, @vcd/bindings, through the shared shape-check harness.
 * Only objects the bindings describe are checked; the fidelity table in sim/README.md lists the others.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningSimulator } from '../../sim/server.ts';
import { checkBindingsShape } from '../helpers/bindings-shape.ts';
import { startTestSimulator, VcdClient } from '../helpers/vcd.ts';

const legacy = '@vcd/bindings/vcloud/api/rest/schema_v1_5';
const extension = '@vcd/bindings/vcloud/api/rest/schema_v1_5/extension';
const versioning = '@vcd/bindings/vcloud/api/rest/schema/versioning';
const openapi = '@vcd/bindings/vcloud/rest/openapi/model';

const fits = (typeName: string, importPath: string, value: unknown) =>
  assert.deepEqual(checkBindingsShape(typeName, importPath, value), [], JSON.stringify(value));

describe('platform answers fit @vcd/bindings', () => {
  let sim: RunningSimulator;
  let provider: VcdClient;

  before(async () => {
    sim = await startTestSimulator();
    provider = await VcdClient.provider(sim.url);
  });
  after(() => sim.close());

  it('GET /api/versions is a SupportedVersionsType', async () => {
    const versions = await fetch(`${sim.url}/api/versions`, { headers: { accept: 'application/*+json' } });
    fits('SupportedVersionsType', versioning, await versions.json());
  });

  it('GET /api/session is a SessionType', async () => {
    const session = await provider.get('/api/session');
    assert.equal(session.status, 200, session.text);
    fits('SessionType', legacy, session.body);
  });

  it('a legacy error body is an ErrorType and a cloudapi one a ModelError', async () => {
    const legacyError = await provider.get(
      '/api/admin/extension/service/00000000-0000-4000-8000-000000000000',
    );
    assert.equal(legacyError.status, 404, legacyError.text);
    fits('ErrorType', legacy, legacyError.body);
    const cloudapiError = await provider.get(
      '/cloudapi/1.0.0/orgs/urn:vcloud:org:00000000-0000-4000-8000-000000000000',
    );
    assert.equal(cloudapiError.status, 404, cloudapiError.text);
    fits('ModelError', openapi, cloudapiError.body);
  });

  it('UI plugin metadata is a UiPluginMetadataResponse', async () => {
    const created = await provider.post('/cloudapi/extensions/ui', {
      pluginName: 'Shape check',
      vendor: 'example',
      version: '1.0.0',
      license: 'BSD-2-Clause',
      link: 'https://example.com',
      tenant_scoped: true,
      provider_scoped: true,
      enabled: true,
    });
    assert.equal(created.status, 201, created.text);
    fits('UiPluginMetadataResponse', openapi, created.body);
    const listed = await provider.get<unknown[]>('/cloudapi/extensions/ui');
    for (const plugin of listed.body) fits('UiPluginMetadataResponse', openapi, plugin);
  });

  it('a legacy extension service is an AdminServiceType', async () => {
    const created = await provider.post('/api/admin/extension/service', {
      name: 'shape',
      namespace: 'shape',
      routingKey: 'shape',
      exchange: 'shape-ext',
      enabled: false,
      apiFilters: { apiFilter: [{ urlPattern: '/api/shape/.*' }] },
    });
    assert.equal(created.status, 201, created.text);
    fits('AdminServiceType', extension, created.body);
  });
});
