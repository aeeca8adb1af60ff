import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CLUSTER_TYPE_ID } from '../../behaviours/index.ts';
import { rightsDefinitions } from '../../behaviours/rights.ts';
import { install } from '../../backend/provider/install.ts';
import { uninstall } from '../../backend/provider/uninstall.ts';
import { VcdClient as TestClient } from '../helpers/vcd.ts';
import { startProviderStack, type ProviderStack } from './install-stack.ts';

/** What install touches, read back from the simulator's own API as the provider sees it. */
async function snapshot(stack: ProviderStack): Promise<Record<string, unknown>> {
  const admin = await TestClient.provider(stack.sim.url);
  const names = (path: string) =>
    admin.getAll<{ name: string }>(path).then((all) => all.map((x) => x.name).sort());
  return {
    extensions: (await admin.getAll<{ id: string; enabled: boolean }>('/cloudapi/extensions/api')).map(
      (e) => `${e.id}:${e.enabled}`,
    ),
    filters: (await admin.getAll<{ urlMatcher: { urlPattern: string } }>('/cloudapi/1.0.0/apiFilters')).map(
      (f) => f.urlMatcher.urlPattern,
    ),
    bundles: await names('/cloudapi/1.0.0/rightsBundles'),
    globalRoles: await names('/cloudapi/1.0.0/globalRoles'),
    types: await names('/cloudapi/1.0.0/entityTypes'),
    interfaces: await names('/cloudapi/1.0.0/interfaces'),
    plugins: ((await admin.get<{ pluginName: string }[]>('/cloudapi/extensions/ui')).body ?? []).map(
      (p) => p.pluginName,
    ),
    tokens: await names('/cloudapi/1.0.0/tokens'),
    cseRights: (await names('/cloudapi/1.0.0/rights')).filter((name) => name.startsWith('{cse}')),
  };
}

describe('cse install against the simulator', () => {
  let stack: ProviderStack;
  before(async () => {
    stack = await startProviderStack();
  });
  after(() => stack.close());

  it('registers everything once, changes nothing the second time, and uninstall removes only what it created', async () => {
    const before = await snapshot(stack);
    const lines: string[] = [];
    const first = await install({ vcd: stack.vcd, transport: 'mqtt', print: (line) => lines.push(line) });
    assert.ok(first.settings.vcd.apiToken, 'a worker token was issued');
    assert.ok(first.settings.bus.mqtt?.token, 'an extension token was issued');
    for (const line of lines) {
      assert.ok(!line.includes(first.settings.vcd.apiToken!), 'no progress line shows the worker token');
      assert.ok(
        !line.includes(first.settings.bus.mqtt!.token!),
        'no progress line shows the extension token',
      );
    }

    const installed = await snapshot(stack);
    assert.deepEqual(installed.extensions, ['urn:vcloud:extension-api:vmware:cse:1.0.0:true']);
    assert.deepEqual(installed.filters, ['/api/cse/.*']);
    assert.ok((installed.types as string[]).includes('Kubernetes cluster (CSE OSS)'));
    assert.ok((installed.globalRoles as string[]).includes('Kubernetes Cluster Author'));
    assert.ok((installed.globalRoles as string[]).includes('Kubernetes Cluster Viewer'));
    assert.ok((installed.bundles as string[]).includes(rightsDefinitions.rightsBundle.name));
    assert.deepEqual(installed.plugins, ['Kubernetes Clusters']);
    assert.deepEqual(installed.cseRights, [
      '{cse}:Kubernetes Cluster: Administer',
      '{cse}:Kubernetes Cluster: Manage',
      '{cse}:Kubernetes Cluster: View',
    ]);

    const second = await install({ vcd: stack.vcd, transport: 'mqtt', previous: first.settings });
    assert.deepEqual(second.report.changes(), []);
    assert.deepEqual(second.settings, first.settings, 'the same settings, tokens kept');
    assert.deepEqual(await snapshot(stack), installed);

    // A tenant author can now reach the API through VCD's routing (rights in place); the worker is not running,
    // so the simulator's own gateway error shows the route exists.
    const author = await TestClient.login(stack.sim.url, 'acme-author', 'acme');
    const rights = await author.getAll<{ name: string }>('/cloudapi/1.0.0/rights');
    assert.ok(rights.some((right) => right.name === '{cse}:Kubernetes Cluster: View'));

    const removal = await uninstall({ vcd: stack.vcd });
    assert.ok(removal.changes().length > 0);
    const after = await snapshot(stack);
    // CSE 4.2's definitions stay: other clients' clusters are entities of them.
    const cse42 = {
      types: ['CAPVCD Cluster', 'VCD-KE RDE Schema'],
      interfaces: ['VCDKEConfig', 'cseInterface'],
      bundles: ['vmware:VCDKEConfig Entitlement', 'vmware:capvcdCluster Entitlement'],
    };
    const withoutCse42 = (names: unknown, kept: string[]) =>
      (names as string[]).filter((name) => !kept.includes(name));
    for (const name of cse42.types) assert.ok((after.types as string[]).includes(name), `${name} is kept`);
    for (const name of cse42.interfaces)
      assert.ok((after.interfaces as string[]).includes(name), `${name} is kept`);
    assert.deepEqual(
      {
        ...after,
        types: withoutCse42(after.types, cse42.types),
        interfaces: withoutCse42(after.interfaces, cse42.interfaces),
        bundles: withoutCse42(after.bundles, cse42.bundles),
        tokens: undefined,
        cseRights: undefined,
      },
      { ...before, tokens: undefined, cseRights: undefined },
    );
    assert.deepEqual(after.tokens, before.tokens, 'the tokens install issued are revoked');
    const admin = await TestClient.provider(stack.sim.url);
    assert.equal((await admin.get(`/cloudapi/1.0.0/entityTypes/${CLUSTER_TYPE_ID}`)).status, 404);
  });

  it('switches transport: an AMQP install replaces the MQTT extension and is itself idempotent', async () => {
    await install({ vcd: stack.vcd, transport: 'mqtt' });
    const amqp = await install({ vcd: stack.vcd, transport: 'amqp', rotate: true });
    assert.deepEqual(amqp.settings.bus, {
      transport: 'amqp',
      amqp: { exchange: 'cse-ext', routingKey: 'cse' },
    });
    const admin = await TestClient.provider(stack.sim.url);
    const extensions = await admin.getAll<{ id: string }>('/cloudapi/extensions/api');
    assert.ok(
      !extensions.some((extension) => extension.id === 'urn:vcloud:extension-api:vmware:cse:1.0.0'),
      'the MQTT extension is gone',
    );
    const again = await install({ vcd: stack.vcd, transport: 'amqp', previous: amqp.settings });
    assert.deepEqual(again.report.changes(), []);
    await uninstall({ vcd: stack.vcd });
  });
});
