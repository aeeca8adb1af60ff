/**
 * The `cse` binary (real processes) against the simulator with CSE installed and a worker running: the provider
 * prepares tenants, templates and settings with the CLI only (cli-clusters.test.ts has the tenant's side); every
 * failure is one line on stderr with a non-zero exit.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCse } from '../helpers/processes.ts';
import { uniqueName } from './bus-fake-vcd.ts';
import { startClusterStack, type ClusterStack } from './cluster-fixtures.ts';
import { mintApiToken } from './install-stack.ts';

describe('cse CLI against the simulator', () => {
  let stack: ClusterStack;
  let dir: string;
  let providerEnv: Record<string, string>;
  let acmeEnv: Record<string, string>;

  const cse = async (args: string[], env = providerEnv) => {
    const result = await runCse(args, env, 60_000);
    return result;
  };
  const ok = async (args: string[], env = providerEnv) => {
    const result = await cse(args, env);
    assert.equal(result.code, 0, `cse ${args.join(' ')}: ${result.stderr}${result.stdout}`);
    return result.stdout;
  };
  const failsWithOneLine = async (args: string[], pattern: RegExp, env = providerEnv) => {
    const result = await cse(args, env);
    assert.notEqual(result.code, 0, `cse ${args.join(' ')} should fail`);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0]!, /^cse: /);
    assert.match(lines[0]!, pattern);
  };

  before(async () => {
    stack = await startClusterStack();
    dir = await mkdtemp(join(tmpdir(), 'cse-cli-'));
    providerEnv = {
      CSE_VCD_URL: stack.sim.url,
      CSE_VCD_API_TOKEN: stack.providerToken,
      CSE_VCD_ORG: 'System',
    };
    const acmeToken = await mintApiToken(stack.sim.url, 'acme-author', 'acme', uniqueName('cli'));
    acmeEnv = { CSE_VCD_URL: stack.sim.url, CSE_VCD_API_TOKEN: acmeToken, CSE_VCD_ORG: 'acme' };
  });
  after(async () => {
    await stack.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('lists, unpublishes and publishes tenants, as a table or JSON', async () => {
    const table = await ok(['tenants', 'list']);
    assert.match(table.split('\n')[0]!, /^ORG\s+READY\s+PUBLISHED\s+MISSING$/);
    assert.match(table, /^acme\s+yes\s+yes\s+-$/m);
    const unpublished = JSON.parse(await ok(['tenants', 'unpublish', 'globex', '--output', 'json'])) as {
      org: { name: string };
      published: boolean;
    }[];
    assert.deepEqual(
      unpublished.map((t) => [t.org.name, t.published]),
      [['globex', false]],
    );
    assert.match(await ok(['tenants', 'list']), /globex: The rights bundle .* not published to globex/);
    const all = JSON.parse(await ok(['tenants', 'publish', '--all', '-o', 'json'])) as {
      published: boolean;
    }[];
    assert.equal(all.length, 2);
    assert.ok(all.every((t) => t.published));
    await failsWithOneLine(
      ['tenants', 'publish', 'initech'],
      /Organisation "initech" does not exist.*\[404 ORG_NOT_FOUND\]/,
    );
    await failsWithOneLine(['tenants', 'publish'], /name an org, or give --all/);
  });

  it('lists templates and sets lifecycle and publication by name', async () => {
    const templates = JSON.parse(await ok(['templates', 'list', '-o', 'json'])) as {
      id: string;
      name: string;
      kubernetesVersion: string;
    }[];
    assert.equal(templates.length, 5);
    const old = templates.find((t) => t.kubernetesVersion.startsWith('v1.26.8'))!;
    const set = await ok(['templates', 'set', old.name, '--lifecycle', 'deprecated', '--orgs', 'acme']);
    assert.match(
      set,
      new RegExp(
        `${old.id}\\s+v1\\.26\\.8\\+vmware\\.1\\s+v2\\.3\\.1\\s+ubuntu 20\\.04\\s+deprecated\\s+-\\s+acme.*\\s+yes\\s*$`,
      ),
    );
    await failsWithOneLine(
      ['templates', 'set', old.id, '--expires', '2001-01-01'],
      /expiresAt 2001-01-01 is in the past.*\[400 EXPIRY_IN_PAST\]/,
    );
    await failsWithOneLine(
      ['templates', 'set', 'no-such-template', '--orgs', 'all'],
      /no TKG template named "no-such-template"/,
    );
  });

  it('gets and sets settings from a file, refusing an invalid one with the field named', async () => {
    const file = join(dir, 'settings.yaml');
    const got = await cse(['settings', 'get']);
    assert.equal(got.code, 0, got.stderr);
    assert.match(got.stderr, /^ETag: "s-[0-9a-f]+"/);
    const contourUrl = /manifestUrl: (.+)/.exec(got.stdout)![1]!;
    await writeFile(file, got.stdout.replace('kind: v0.22.0', 'kind: v0.23.0'));
    assert.match(await ok(['settings', 'set', '-f', file]), /^Settings saved \(ETag "s-/);
    assert.match(await ok(['settings', 'get']), /kind: v0\.23\.0/);

    await writeFile(join(dir, 'bad.yaml'), (await readFile(file, 'utf8')).replace('sha256: ', 'sha256: zz'));
    await failsWithOneLine(
      ['settings', 'set', '-f', join(dir, 'bad.yaml')],
      /The settings were not saved: components\.(contour|cni|cpi|csi)\.sha256 has an invalid format.*\[400 INVALID_SETTINGS\]/,
    );
    await failsWithOneLine(
      ['settings', 'set', '-f', join(dir, 'missing.yaml')],
      /cannot read .*missing\.yaml/,
    );

    const images = await ok(['images']);
    assert.match(
      images,
      /^binary\s+kind\s+v0\.23\.0\s+https:\/\/github\.com\/kubernetes-sigs\/kind\/releases\/download\/v0\.23\.0\/kind-linux-amd64$/m,
    );
    assert.match(images, /cluster-api-provider-cloud-director:1\.3\.2/);
    assert.ok(images.includes(contourUrl), 'the Contour manifest the worker uses');
    const imagesJson = JSON.parse(await ok(['images', '-o', 'json'])) as { kind: string }[];
    assert.ok(imagesJson.filter((a) => a.kind === 'image').length >= 6);
  });

  it('fails with one line without a token or with a tenant token on provider commands', async () => {
    await failsWithOneLine(['tenants', 'list'], /no API token/, {
      CSE_VCD_URL: stack.sim.url,
      CSE_VCD_API_TOKEN: '',
    });
    await failsWithOneLine(
      ['templates', 'list'],
      /needs the right "\{cse\}:Kubernetes Cluster: Administer"/,
      acmeEnv,
    );
  });
});
