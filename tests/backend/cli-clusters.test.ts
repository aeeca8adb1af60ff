/**
 * The `cse clusters` commands (real processes) as a tenant user with an API token: create from a YAML file, list,
 * get and kubeconfig by name, delete; refusals are one line on stderr with a non-zero exit.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCse } from '../helpers/processes.ts';
import { uniqueName } from './bus-fake-vcd.ts';
import { startClusterStack, tenant, waitForPhase, type ClusterStack } from './cluster-fixtures.ts';
import { mintApiToken } from './install-stack.ts';

describe('cse clusters against the simulator', () => {
  let stack: ClusterStack;
  let dir: string;
  let acmeEnv: Record<string, string>;

  const ok = async (args: string[]) => {
    const result = await runCse(args, acmeEnv, 60_000);
    assert.equal(result.code, 0, `cse ${args.join(' ')}: ${result.stderr}${result.stdout}`);
    return result.stdout;
  };
  const failsWithOneLine = async (args: string[], pattern: RegExp) => {
    const result = await runCse(args, acmeEnv, 60_000);
    assert.notEqual(result.code, 0, `cse ${args.join(' ')} should fail`);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.match(result.stderr.trim(), pattern);
  };

  before(async () => {
    stack = await startClusterStack();
    dir = await mkdtemp(join(tmpdir(), 'cse-cli-clusters-'));
    const token = await mintApiToken(stack.sim.url, 'acme-author', 'acme', uniqueName('cli'));
    acmeEnv = { CSE_VCD_URL: stack.sim.url, CSE_VCD_API_TOKEN: token, CSE_VCD_ORG: 'acme' };
  });
  after(async () => {
    await stack.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('creates a cluster from YAML, lists it, reads its kubeconfig by name and deletes it', async () => {
    const { template } = await tenant(stack, 'acme');
    const spec = join(dir, 'cluster.yaml');
    await writeFile(
      spec,
      [
        'name: cli-cluster',
        'orgVdc: acme-vdc',
        'network: acme-k8s-net',
        `template: ${template}`,
        'controlPlane: { count: 1, diskGiB: 20, sizingPolicy: TKG small }',
        'workerPools:',
        '  - { name: workers, count: 1, diskGiB: 20, sizingPolicy: TKG small }',
        '',
      ].join('\n'),
    );
    const created = await ok(['clusters', 'create', '-f', spec]);
    const id = created.split(' ')[0]!;
    assert.match(id, /^urn:vcloud:entity:cseoss:k8scluster:[0-9a-f-]{36}$/);
    await failsWithOneLine(
      ['clusters', 'create', '-f', spec],
      /^cse: The cluster cannot be created: .*cli-cluster.*\[400 INVALID_CLUSTER\]$/,
    );
    await waitForPhase(stack, id, ['Ready'], 90_000);

    const table = await ok(['clusters', 'list']);
    assert.match(table, /^NAME\s+ORG\s+VDC\s+PHASE\s+KUBERNETES\s+NODES\s+ENDPOINT\s+ID$/m);
    assert.match(
      table,
      new RegExp(
        `^cli-cluster\\s+acme\\s+acme-vdc\\s+Ready\\s+v1\\.28\\.11\\+vmware\\.2\\s+2/2\\s+https://\\S+:6443\\s+${id}$`,
        'm',
      ),
    );
    assert.match(await ok(['clusters', 'kubeconfig', 'cli-cluster']), /^apiVersion: v1$/m);
    assert.match(await ok(['clusters', 'delete', 'cli-cluster']), new RegExp(`^${id} Deleting$`, 'm'));
    await waitForPhase(stack, id, ['Gone'], 60_000);
    await failsWithOneLine(['clusters', 'get', 'cli-cluster'], /^cse: no cluster named "cli-cluster"$/);
  });
});
