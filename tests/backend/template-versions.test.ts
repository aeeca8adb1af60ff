/**
 * TKG templates end to end: the worker reads a template's `VERSION` from its VM's product section in XML, as
 * go-vcloud-director does, over real HTTP from the simulator; every seeded template's `VERSION` is a TKG image version
 * go-vcloud-director knows; and a template whose product section lacks `VERSION`, or whose `VERSION` is no TKG
 * release, is listed as unusable with the reason and refused at create, naming the template and what is missing.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tkgVersionBundle } from '../../backend/bootstrap/tkg-versions.ts';
import { listVAppTemplates, templateProductProperties } from '../../backend/vcd/catalogs.ts';
import { startTestSimulator, VcdClient as TestClient } from '../helpers/vcd.ts';
import {
  clusterRequest,
  createCluster,
  startClusterStack,
  tenant,
  type ClusterStack,
} from './cluster-fixtures.ts';

/**
 * The VERSIONs the simulator seeds: keys of go-vcloud-director's `govcd/cse/tkg_versions.json` (v3.1.1), copied
 * here on purpose (a test never reads /work/upstream): a v1.27, v1.28, v1.29 and v1.30 of TKG 2.5.2 and a TKG 2.3.1.
 */
const seededVersions = [
  'v1.26.8+vmware.1-tkg.1-0edd4dafbefbdb503f64d5472e500cf8',
  'v1.27.15+vmware.1-tkg.2-138e363d8ee0f5eeda35a0de81a33f9f',
  'v1.28.11+vmware.2-tkg.2-7820f47053de95b5aaf7e33a17511e47',
  'v1.29.6+vmware.1-tkg.3-c6934e3c00b6ca9a7c3e56acb773ce3a',
  'v1.30.2+vmware.1-tkg.1-00b380629c7a9c10afaaa9df46ba2283',
];

const NO_VERSION = 'ubuntu-2204-kube-v1.28.11-no-version';
const UNKNOWN_VERSION = 'ubuntu-2204-kube-v1.28.99+vmware.1-tkg.1-0123456789abcdef0123456789abcdef';

interface WorldTemplate {
  id: string;
  name: string;
  vms: {
    id: string;
    name: string;
    productSections: { properties: { key: string; value: string; defaultValue: string }[] }[];
  }[];
}
interface ListedTemplate {
  name: string;
  version: string | null;
  kubernetesVersion: string | null;
  usable: boolean;
  unusableReason: string | null;
}

/** A state file with the seeded world plus two broken copies of the v1.28.11 template. */
async function worldWithBrokenTemplates(dir: string): Promise<string> {
  const seeded = await startTestSimulator();
  const world = (await (await fetch(`${seeded.url}/sim/state`)).json()) as {
    vAppTemplates: Record<string, WorldTemplate>;
  };
  await seeded.close();
  const original = Object.values(world.vAppTemplates).find((t) => t.name.includes('kube-v1.28.11'))!;
  const copy = (
    name: string,
    uuid: string,
    change: (properties: WorldTemplate['vms'][0]['productSections'][0]['properties']) => void,
  ) => {
    const template = structuredClone(original);
    template.id = `urn:vcloud:vapptemplate:${uuid}`;
    template.name = name;
    template.vms[0]!.id = `urn:vcloud:vm:${uuid.replace(/^0/, '1')}`;
    template.vms[0]!.name = name.slice(0, 63);
    change(template.vms[0]!.productSections[0]!.properties);
    world.vAppTemplates[template.id] = template;
  };
  copy(NO_VERSION, '0b5d1f6e-1111-4c0e-9e1a-000000000001', (properties) => {
    properties.splice(
      properties.findIndex((p) => p.key === 'VERSION'),
      1,
    );
  });
  copy(UNKNOWN_VERSION, '0b5d1f6e-1111-4c0e-9e1a-000000000002', (properties) => {
    const version = properties.find((p) => p.key === 'VERSION')!;
    version.value = version.defaultValue = UNKNOWN_VERSION.slice('ubuntu-2204-kube-'.length);
  });
  const file = join(dir, 'world.json');
  await writeFile(file, JSON.stringify(world));
  return file;
}

describe('TKG templates: VERSION, the TKG version map and unusable templates', () => {
  let dir: string;
  let stack: ClusterStack;
  let provider: TestClient;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'template-versions-'));
    stack = await startClusterStack({ simulator: { stateFile: await worldWithBrokenTemplates(dir) } });
    provider = await TestClient.provider(stack.sim.url);
  });
  after(async () => {
    await stack?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('reads VERSION from the XML product section of each seeded template over HTTP, a key of the TKG map', async () => {
    const records = (await listVAppTemplates(stack.vcd)).filter((t) =>
      /^ubuntu-\d+-kube-v[\d.]+\+vmware\.\d+-tkg/.test(t.name),
    );
    const versions: string[] = [];
    for (const record of records) {
      const properties = await templateProductProperties(stack.vcd, record);
      const version = properties.get('VERSION');
      if (record.name === UNKNOWN_VERSION) continue;
      assert.ok(version, record.name);
      assert.ok(record.name.endsWith(version), `${record.name} carries ${version}`);
      assert.ok(tkgVersionBundle(version), `${version} is in the map`);
      versions.push(version);
    }
    assert.deepEqual(versions.sort(), seededVersions);
    const xml = await stack.vcd.get<string>(records[0]!.href, { accept: 'application/*+xml' });
    assert.match(
      xml.headers.get('content-type') ?? '',
      /^application\/vnd\.vmware\.vcloud\.vAppTemplate\+xml/,
    );
    assert.equal(typeof xml.body, 'string');
  });

  it('lists a template without VERSION and one with an unknown VERSION as unusable, saying why', async () => {
    const acme = await TestClient.login(stack.sim.url, 'acme-author', 'acme');
    for (const path of ['/api/cse/v1/templates', '/api/cse/v1/provider/templates']) {
      const user = path.includes('provider') ? provider : acme;
      const response = await user.get<{ values: ListedTemplate[] }>(path, { accept: 'application/json' });
      assert.equal(response.status, 200, response.text);
      const byName = new Map(response.body.values.map((t) => [t.name, t]));
      assert.equal(response.body.values.filter((t) => t.usable).length, seededVersions.length, path);
      const missing = byName.get(NO_VERSION)!;
      assert.equal(missing.usable, false);
      assert.equal(missing.version, null);
      assert.match(missing.unusableReason!, /no VERSION property/);
      const unknown = byName.get(UNKNOWN_VERSION)!;
      assert.equal(unknown.usable, false);
      assert.equal(unknown.kubernetesVersion, 'v1.28.99+vmware.1');
      assert.match(
        unknown.unusableReason!,
        /VERSION "v1\.28\.99\+vmware\.1-tkg\.1-0123456789abcdef0123456789abcdef" is not a TKG node image version/,
      );
      assert.ok(!byName.has('cse-bootstrap-ubuntu-2204'), 'the bootstrap template is no Kubernetes template');
    }
  });

  it('refuses to create a cluster on either, naming the template and what is missing, and creates nothing', async () => {
    const who = await tenant(stack, 'acme');
    const before = await who.user.get<{ resultTotal: number }>('/api/cse/v1/clusters', {
      accept: 'application/json',
    });
    for (const [template, missing] of [
      [NO_VERSION, /no VERSION property/],
      [UNKNOWN_VERSION, /is not a TKG node image version/],
    ] as const) {
      const refused = await createCluster(
        who,
        clusterRequest(who, `on-${template === NO_VERSION ? 'none' : 'unknown'}`, { template }),
      );
      assert.equal(refused.status, 400, JSON.stringify(refused.body));
      assert.equal(refused.body.minorErrorCode, 'INVALID_CLUSTER');
      const error = refused.body.errors!.find((e) => e.rule === 'template-usable')!;
      assert.equal(error.field, 'template');
      assert.ok(
        error.message.startsWith(`Kubernetes template "${template}" cannot be used: `),
        error.message,
      );
      assert.match(error.message, missing);
    }
    const afterwards = await who.user.get<{ resultTotal: number }>('/api/cse/v1/clusters', {
      accept: 'application/json',
    });
    assert.equal(afterwards.body.resultTotal, before.body.resultTotal);
  });
});
