import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import AdmZip from 'adm-zip';
import type { RunningSimulator } from '../../sim/server.ts';
import { startTestSimulator, VcdClient, type VcdErrorBody } from '../helpers/vcd.ts';

interface UiPluginMetadata {
  id: string;
  pluginName: string;
  vendor: string;
  version: string;
  enabled: boolean;
  plugin_status: string;
  tenant_scoped: boolean;
  provider_scoped: boolean;
  resourcePath: string | null;
}

const bundle = 'define("KubernetesPlugin", [], function () { return { ClustersModule: {} }; });';
const manifest = {
  urn: 'vmware:vcloud:plugin:kubernetes',
  name: 'Kubernetes Container Clusters',
  manifestVersion: '4.0.0',
  version: '4.2.0',
  scope: ['tenant', 'service-provider'],
  extensionPoints: [
    { urn: 'k8s', type: 'navigation:primary', name: 'Kubernetes', module: 'ClustersModule', route: 'k8s' },
  ],
};

function pluginZip(files: Record<string, string>): Buffer {
  const zip = new AdmZip();
  for (const [name, content] of Object.entries(files)) zip.addFile(name, Buffer.from(content, 'utf8'));
  return zip.toBuffer();
}

const metadata = {
  pluginName: 'Kubernetes Container Clusters',
  vendor: 'VMware',
  description: 'CSE',
  version: '4.2.0',
  license: 'Apache-2.0',
  link: 'https://example.org/cse',
  tenant_scoped: true,
  provider_scoped: true,
  enabled: true,
};

describe('UI plugins: register, upload, publish, serve', () => {
  let sim: RunningSimulator;
  let provider: VcdClient;
  let acme: VcdClient;
  let globex: VcdClient;
  let plugin: UiPluginMetadata;
  const base = '/cloudapi/extensions/ui';

  const file = (portalRoot: string, name = 'bundle.js') =>
    fetch(`${sim.url}${portalRoot}/${plugin.resourcePath}/${name}`);

  async function upload(zip: Buffer, spec: Record<string, unknown> = {}) {
    const started = await provider.post(`${base}/${plugin.id}/plugin`, {
      fileName: 'plugin.zip',
      size: zip.length,
      ...spec,
    });
    assert.equal(started.status, 204, started.text);
    const link = started.headers.get('link') ?? '';
    const match = /^<([^>]+)>;rel="upload:default"/.exec(link);
    assert.ok(match, `Link header: ${link}`);
    return fetch(match[1]!, {
      method: 'PUT',
      headers: { authorization: `Bearer ${provider.token}`, 'content-type': 'application/zip' },
      body: zip,
    });
  }

  before(async () => {
    sim = await startTestSimulator();
    provider = await VcdClient.provider(sim.url);
    acme = await VcdClient.login(sim.url, 'acme-admin', 'acme');
    globex = await VcdClient.login(sim.url, 'globex-viewer', 'globex');
  });
  after(() => sim.close());

  test('the provider registers a plugin: 201 with id, status unavailable and no resource yet', async () => {
    const created = await provider.post<UiPluginMetadata>(base, metadata);
    assert.equal(created.status, 201, created.text);
    plugin = created.body;
    assert.match(plugin.id, /^urn:vcloud:uiPlugin:[0-9a-f-]{36}$/);
    assert.equal(plugin.plugin_status, 'unavailable');
    assert.equal(plugin.resourcePath, null);
    assert.equal(plugin.pluginName, metadata.pluginName);
  });

  test('registration refuses tenants, missing required fields, unknown fields and duplicates', async () => {
    const tenant = await acme.post<VcdErrorBody>(base, { ...metadata, version: '9.9.9' });
    assert.equal(tenant.status, 403);
    assert.equal(tenant.body.minorErrorCode, 'ACCESS_TO_RESOURCE_IS_FORBIDDEN');
    const { license: _license, ...noLicense } = metadata;
    const missing = await provider.post<VcdErrorBody>(base, noLicense);
    assert.equal(missing.status, 400);
    assert.match(missing.body.message, /license/);
    const unknown = await provider.post<VcdErrorBody>(base, { ...metadata, version: '1.0.1', colour: 'red' });
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.message, /colour/);
    const duplicate = await provider.post<VcdErrorBody>(base, metadata);
    assert.equal(duplicate.status, 400);
    assert.equal(duplicate.body.minorErrorCode, 'DUPLICATE_NAME');
  });

  test('an upload that is not a zip, or has no manifest.json, is refused and the plugin stays unavailable', async () => {
    const notZip = await upload(Buffer.from('hello, not a zip'));
    assert.equal(notZip.status, 400);
    assert.match(((await notZip.json()) as VcdErrorBody).message, /not a zip/);
    const noManifest = await upload(pluginZip({ 'bundle.js': bundle }));
    assert.equal(noManifest.status, 400);
    assert.match(((await noManifest.json()) as VcdErrorBody).message, /manifest\.json/);
    const badChecksum = await upload(pluginZip({ 'manifest.json': '{}' }), {
      checksum: '00',
      checksumAlgo: 'sha256',
    });
    assert.equal(badChecksum.status, 400);
    const current = await provider.get<UiPluginMetadata>(`${base}/${plugin.id}`);
    assert.equal(current.body.plugin_status, 'unavailable');
  });

  test('uploading the zip without a bearer is 401', async () => {
    const zip = pluginZip({ 'manifest.json': JSON.stringify(manifest) });
    const started = await provider.post(`${base}/${plugin.id}/plugin`, {
      fileName: 'plugin.zip',
      size: zip.length,
    });
    const url = /^<([^>]+)>/.exec(started.headers.get('link') ?? '')![1]!;
    const response = await fetch(url, { method: 'PUT', body: zip });
    assert.equal(response.status, 401);
  });

  test('a good zip makes the plugin ready with a relative resource path', async () => {
    const response = await upload(
      pluginZip({ 'manifest.json': JSON.stringify(manifest), 'bundle.js': bundle, 'assets/i18n.json': '{}' }),
    );
    assert.equal(response.status, 200, await response.text());
    const current = await provider.get<UiPluginMetadata>(`${base}/${plugin.id}`);
    assert.equal(current.body.plugin_status, 'ready');
    plugin = current.body;
    assert.match(plugin.resourcePath!, /^uiPlugins\/[0-9a-f-]{36}\/[0-9a-f-]{36}$/);
  });

  test('before publishing, tenants neither list the plugin nor load its files', async () => {
    const listed = await acme.get<UiPluginMetadata[]>(base);
    assert.equal(listed.status, 200);
    assert.deepEqual(
      listed.body.map((p) => p.id),
      [],
    );
    assert.equal((await file('/tenant/acme')).status, 404);
    assert.equal((await acme.get(`${base}/${plugin.id}`)).status, 404);
  });

  test('the provider portal serves the files of a provider-scoped plugin, without a bearer', async () => {
    const response = await file('/provider');
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /javascript/);
    assert.equal(await response.text(), bundle);
    const json = await file('/provider', 'manifest.json');
    assert.deepEqual(await json.json(), manifest);
    assert.equal((await file('/provider', 'missing.js')).status, 404);
    assert.equal((await file('/provider', '..%2Fmanifest.json')).status, 404);
  });

  test('publishing to acme serves bundle.js to the acme portal and not to globex', async () => {
    const acmeOrg = (
      await provider.get<{ values: { id: string; name: string }[] }>('/cloudapi/1.0.0/orgs?filter=name==acme')
    ).body.values[0]!;
    const published = await provider.post<{ id: string; name: string }[]>(
      `${base}/${plugin.id}/tenants/publish`,
      [{ id: acmeOrg.id, name: 'acme' }],
    );
    assert.equal(published.status, 200, published.text);
    assert.deepEqual(
      published.body.map((org) => org.name),
      ['acme'],
    );
    const tenants = await provider.get<{ values: { name: string }[] }>(`${base}/${plugin.id}/tenants`);
    assert.deepEqual(
      tenants.body.values.map((org) => org.name),
      ['acme'],
    );

    const served = await file('/tenant/acme');
    assert.equal(served.status, 200);
    assert.equal(await served.text(), bundle);
    assert.equal((await file('/tenant/globex')).status, 404);
    assert.deepEqual(
      (await acme.get<UiPluginMetadata[]>(base)).body.map((p) => p.id),
      [plugin.id],
    );
    assert.deepEqual((await globex.get<UiPluginMetadata[]>(base)).body, []);
    assert.equal((await globex.get(`${base}/${plugin.id}`)).status, 404);
  });

  test('tenants cannot change, publish or delete a plugin published to them', async () => {
    const put = await acme.put<VcdErrorBody>(`${base}/${plugin.id}`, { ...metadata, enabled: false });
    assert.equal(put.status, 403);
    assert.equal((await acme.post(`${base}/${plugin.id}/tenants/publishAll`)).status, 403);
    assert.equal((await acme.delete(`${base}/${plugin.id}`)).status, 403);
    assert.equal((await globex.delete(`${base}/${plugin.id}`)).status, 404);
  });

  test('disabling hides the plugin and its files; enabling brings them back', async () => {
    const disabled = await provider.put<UiPluginMetadata>(`${base}/${plugin.id}`, {
      ...metadata,
      enabled: false,
    });
    assert.equal(disabled.status, 200, disabled.text);
    assert.equal(disabled.body.enabled, false);
    assert.equal((await file('/tenant/acme')).status, 404);
    assert.deepEqual((await acme.get<UiPluginMetadata[]>(base)).body, []);
    const enabled = await provider.put<UiPluginMetadata>(`${base}/${plugin.id}`, {
      ...plugin,
      enabled: true,
    });
    assert.equal(enabled.status, 200, enabled.text);
    assert.equal((await file('/tenant/acme')).status, 200);
  });

  test('publishAll reaches globex; unpublish and unpublishAll take it away again', async () => {
    await provider.post(`${base}/${plugin.id}/tenants/publishAll`);
    assert.equal((await file('/tenant/globex')).status, 200);
    const left = await provider.post<{ name: string }[]>(`${base}/${plugin.id}/tenants/unpublish`, [
      { name: 'globex' },
    ]);
    assert.deepEqual(
      left.body.map((org) => org.name),
      ['acme'],
    );
    assert.equal((await file('/tenant/globex')).status, 404);
    assert.equal((await file('/tenant/acme')).status, 200);
    const bad = await provider.post<VcdErrorBody>(`${base}/${plugin.id}/tenants/publish`, [
      { name: 'nobody' },
    ]);
    assert.equal(bad.status, 400);
    await provider.post(`${base}/${plugin.id}/tenants/unpublishAll`);
    assert.equal((await file('/tenant/acme')).status, 404);
  });

  test('deleting the resource makes the plugin unavailable; deleting the plugin removes it', async () => {
    const oldPath = plugin.resourcePath;
    assert.equal((await provider.delete(`${base}/${plugin.id}/plugin`)).status, 204);
    const current = await provider.get<UiPluginMetadata>(`${base}/${plugin.id}`);
    assert.equal(current.body.plugin_status, 'unavailable');
    assert.equal(current.body.resourcePath, null);
    assert.equal((await fetch(`${sim.url}/provider/${oldPath}/bundle.js`)).status, 404);
    assert.equal((await provider.delete(`${base}/${plugin.id}`)).status, 204);
    assert.equal((await provider.get(`${base}/${plugin.id}`)).status, 404);
    assert.equal(
      (await provider.delete(`${base}/urn:vcloud:uiPlugin:00000000-0000-4000-8000-000000000000`)).status,
      404,
    );
  });
});
