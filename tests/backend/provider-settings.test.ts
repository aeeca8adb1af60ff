/**
 * The settings entity through the simulator: defaults from the worker configuration until the provider saves
 * settings, validation naming every field, ETag / If-Match, and the worker's settings source seeing a write at
 * once (this replica) or within its cache time (another replica), without a restart.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApiHandler } from '../../backend/api/api.ts';
import { clustersConfigSchema } from '../../backend/config/clusters-schema.ts';
import { workerConfigSchema } from '../../backend/config/schema.ts';
import { startWorker, type RunningWorker } from '../../backend/main.ts';
import { install } from '../../backend/provider/install.ts';
import { entitySettingsSource, ProviderConfig } from '../../backend/provider/provider-config.ts';
import { createProviderServices, type ProviderServices } from '../../backend/provider/services.ts';
import type { SettingsDocument } from '../../backend/provider/settings.ts';
import { VcdClient } from '../../backend/vcd/client.ts';
import { VcdClient as TestClient } from '../helpers/vcd.ts';
import { capturedLogger } from './bus-fake-vcd.ts';
import { startProviderStack, type ProviderStack } from './install-stack.ts';

const json = { accept: 'application/json' };
const clustersConfig = clustersConfigSchema.parse({ imageRegistry: 'registry.example.com/tkg' });

describe('provider settings', () => {
  let stack: ProviderStack;
  let worker: RunningWorker;
  let services: ProviderServices;
  let workerVcd: VcdClient;
  let provider: TestClient;

  before(async () => {
    stack = await startProviderStack();
    const { settings } = await install({ vcd: stack.vcd, transport: 'mqtt' });
    const config = workerConfigSchema.parse({
      http: { port: 0 },
      shutdownTimeoutMs: 3000,
      vcd: { url: stack.sim.url, org: 'System' },
      bus: { transport: 'mqtt', mqtt: { ...settings.bus.mqtt, reconnectMs: 100 } },
    });
    workerVcd = new VcdClient({ url: stack.sim.url, org: 'System', apiToken: settings.vcd.apiToken });
    services = createProviderServices(workerVcd, clustersConfig);
    const { logger } = capturedLogger();
    worker = await startWorker(config, logger, {
      request: createApiHandler({ vcd: workerVcd, transports: ['mqtt'], logger, provider: services }),
      behavior: async () => 'ok',
    });
    for (let i = 0; i < 100 && !worker.transport?.status().ready; i++)
      await new Promise((r) => setTimeout(r, 50));
    provider = await TestClient.provider(stack.sim.url);
  });
  after(async () => {
    await worker.stop('test over');
    await stack.close();
  });

  const get = () => provider.get<SettingsDocument>('/api/cse/v1/provider/settings', json);
  const put = (body: unknown, ifMatch?: string) =>
    provider.put<
      SettingsDocument & {
        minorErrorCode: string;
        message: string;
        errors: { field: string; reason: string }[];
      }
    >('/api/cse/v1/provider/settings', body, { ...json, headers: ifMatch ? { 'if-match': ifMatch } : {} });

  it('answers the worker configuration as settings until the provider saves some', async () => {
    const response = await get();
    assert.equal(response.status, 200, response.text);
    assert.equal(response.headers.get('x-cse-settings-source'), 'configuration');
    assert.match(response.headers.get('etag') ?? '', /^"s-[0-9a-f]{32}"$/);
    assert.equal(response.body.registry.imageRegistry, 'registry.example.com/tkg');
    assert.equal(response.body.bootstrap.sizingPolicy, 'TKG small');
    assert.equal(response.body.phaseTimeouts['control-plane-ready'], 1800);
    assert.deepEqual(response.body.trustedCertificates, []);
  });

  it('refuses a document that fails validation, naming every field, and saves nothing', async () => {
    const current = (await get()).body;
    const bad = structuredClone(current) as SettingsDocument & Record<string, unknown>;
    bad.components.contour.sha256 = 'not-a-hash';
    bad.registry.imageRegistry = 'Bad Registry!';
    bad.phaseTimeouts['kind-ready'] = 0;
    bad.proxy.noProxy = ['ok.example.com', 'two words'];
    bad.trustedCertificates = [
      { name: 'corp', pem: '-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----' },
    ];
    bad['colour'] = 'blue';
    const response = await put(bad);
    assert.equal(response.status, 400);
    assert.equal(response.body.minorErrorCode, 'INVALID_SETTINGS');
    assert.match(response.body.message, /^The settings were not saved: /);
    const fields = response.body.errors.map((error) => error.field).sort();
    assert.deepEqual(fields, [
      'colour',
      'components.contour.sha256',
      'phaseTimeouts.kind-ready',
      'proxy.noProxy[1]',
      'registry.imageRegistry',
    ]);
    const pemOnly = structuredClone(current);
    pemOnly.trustedCertificates = bad.trustedCertificates;
    const pem = await put(pemOnly);
    assert.equal(pem.status, 400);
    assert.deepEqual(pem.body.errors, [
      { field: 'trustedCertificates[0].pem', reason: '"corp" is not a PEM certificate that parses' },
    ]);
    const missing = await put({ registry: current.registry });
    assert.equal(missing.status, 400);
    assert.ok(
      missing.body.errors.some((error) => error.field === 'components' && error.reason === 'is required'),
    );
    assert.equal((await get()).headers.get('x-cse-settings-source'), 'configuration');
  });

  it('refuses a proxy the bootstrap VM could not write into its apt and Docker configuration', async () => {
    const current = (await get()).body;
    const bad = structuredClone(current);
    bad.proxy = { httpsProxy: 'http://proxy.example.com:3128/?user=a' };
    const response = await put(bad);
    assert.equal(response.status, 400);
    assert.deepEqual(
      response.body.errors.map((error) => error.field),
      ['proxy.httpsProxy'],
    );
    assert.deepEqual((await get()).body.proxy, current.proxy, 'nothing saved');
  });

  it('saves a valid document; the worker uses it at once, another replica within its cache time', async () => {
    const source = entitySettingsSource(services.config, clustersConfig, stack.sim.url);
    const otherReplica = entitySettingsSource(
      new ProviderConfig(workerVcd, { ttlMs: 200 }),
      clustersConfig,
      stack.sim.url,
    );
    assert.equal((await source.current()).imageRegistry, 'registry.example.com/tkg');
    assert.equal((await otherReplica.current()).imageRegistry, 'registry.example.com/tkg');

    const first = await get();
    const next = structuredClone(first.body);
    next.registry.imageRegistry = 'mirror.example.com:5000/tkg';
    next.registry.binaryMirror = 'https://mirror.example.com/cse';
    next.components.contour.version = 'v1.33.7';
    next.phaseTimeouts['nodes-ready'] = 900;
    next.proxy = { httpProxy: 'http://proxy.example.com:3128', noProxy: ['10.0.0.0/8', '.example.com'] };
    const saved = await put(next, first.headers.get('etag')!);
    assert.equal(saved.status, 200, saved.text);
    assert.notEqual(saved.headers.get('etag'), first.headers.get('etag'));
    const read = await get();
    assert.equal(read.headers.get('x-cse-settings-source'), 'entity');
    assert.deepEqual(read.body, next);
    assert.equal(read.headers.get('etag'), saved.headers.get('etag'));

    const now = await source.current();
    assert.equal(
      now.imageRegistry,
      'mirror.example.com:5000/tkg',
      'no stale value after a write through the API',
    );
    assert.equal(now.binaryMirror, 'https://mirror.example.com/cse');
    assert.equal(now.phaseTimeouts['nodes-ready'], 900);
    assert.equal(now.contour.version, 'v1.33.7');
    assert.deepEqual(now.proxy, next.proxy);
    await new Promise((resolve) => setTimeout(resolve, 250));
    assert.equal((await otherReplica.current()).imageRegistry, 'mirror.example.com:5000/tkg');
  });

  it('refuses a write based on an older ETag with 412, keeping the newer settings', async () => {
    const first = await get();
    const mine = structuredClone(first.body);
    mine.bootstrap.sizingPolicy = 'TKG medium';
    const theirs = structuredClone(first.body);
    theirs.bootstrap.sizingPolicy = 'TKG large';
    assert.equal((await put(theirs, first.headers.get('etag')!)).status, 200);
    const stale = await put(mine, first.headers.get('etag')!);
    assert.equal(stale.status, 412);
    assert.equal(stale.body.minorErrorCode, 'SETTINGS_CHANGED');
    assert.equal((await get()).body.bootstrap.sizingPolicy, 'TKG large');
  });

  it('keeps the settings ETag when only the template catalog changes', async () => {
    const before = (await get()).headers.get('etag');
    const templates = await provider.get<{ values: { id: string }[] }>(
      '/api/cse/v1/provider/templates',
      json,
    );
    const changed = await provider.put(
      `/api/cse/v1/provider/templates/${templates.body.values[0]!.id}`,
      { lifecycle: 'deprecated' },
      json,
    );
    assert.equal(changed.status, 200, changed.text);
    assert.equal((await get()).headers.get('etag'), before);
  });

  it('refuses the settings routes to a tenant user, naming the right', async () => {
    const user = await TestClient.login(stack.sim.url, 'acme-author', 'acme');
    for (const method of ['GET', 'PUT'] as const) {
      const response = await user.request(method, '/api/cse/v1/provider/settings', {
        ...json,
        body: method === 'PUT' ? {} : undefined,
      });
      assert.equal(response.status, 403);
      assert.match(
        (response.body as { message: string }).message,
        /needs the right "\{cse\}:Kubernetes Cluster: Administer"/,
      );
    }
  });
});
