/**
 * The curl walkthrough of docs/walkthrough.md, run as a user would: `cse start` (what `npm start` runs, here on free
 * ports and at --speed 100), then `bash docs/walkthrough.sh` against it. Checks the script's output, that it left
 * nothing in VCD (as the provider sees it), and that the doc shows exactly the script that was run.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { spawnCse, waitForExit } from '../helpers/processes.ts';
import { VcdClient as TestClient } from '../helpers/vcd.ts';

const script = fileURLToPath(new URL('../../docs/walkthrough.sh', import.meta.url));
const doc = fileURLToPath(new URL('../../docs/walkthrough.md', import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Runs the walkthrough script; resolves with its exit code and its combined output. */
function runScript(cwd: string, env: Record<string, string>, timeoutMs: number) {
  return new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn('bash', [script], {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the walkthrough did not finish within ${timeoutMs} ms; output so far:\n${output}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** What a cluster creates in VCD, as the provider sees it: vApps, ALB virtual services and pools, IP allocations. */
async function provisioned(provider: TestClient): Promise<Record<string, string[]>> {
  const vApps = await provider.get<{ record: Array<{ name: string }> }>(
    '/api/query?type=adminVApp&format=records&pageSize=128',
  );
  assert.equal(vApps.status, 200, vApps.text);
  const gateways = await provider.getAll<{ id: string }>('/cloudapi/1.0.0/edgeGateways');
  const names = async (path: string) =>
    (await provider.getAll<{ name: string }>(path)).map((item) => item.name);
  const virtualServices: string[] = [];
  const pools: string[] = [];
  for (const gateway of gateways) {
    const base = `/cloudapi/1.0.0/edgeGateways/${encodeURIComponent(gateway.id)}/loadBalancer`;
    virtualServices.push(...(await names(`${base}/virtualServiceSummaries`)));
    pools.push(...(await names(`${base}/poolSummaries`)));
  }
  const allocations: string[] = [];
  for (const space of await provider.getAll<{ id: string }>('/cloudapi/1.0.0/ipSpaces')) {
    const values = await provider.getAll<{ value: string; description?: string }>(
      `/cloudapi/1.0.0/ipSpaces/${encodeURIComponent(space.id)}/allocations`,
    );
    allocations.push(...values.map((allocation) => `${allocation.value} ${allocation.description ?? ''}`));
  }
  return {
    vApps: vApps.body.record.map((record) => record.name).sort(),
    virtualServices: virtualServices.sort(),
    pools: pools.sort(),
    allocations: allocations.sort(),
  };
}

describe('the curl walkthrough (docs/walkthrough.md) against cse start', () => {
  let url: string;
  let stack: ReturnType<typeof spawnCse>;
  let workDir: string;

  before(async () => {
    const [port, workerPort] = [await freePort(), await freePort()];
    url = `http://127.0.0.1:${port}`;
    stack = spawnCse([
      'start',
      '--port',
      String(port),
      '--worker-port',
      String(workerPort),
      '--speed',
      '100',
      '--no-build',
    ]);
    const deadline = Date.now() + 90_000;
    while (!stack.output().includes('CSE is running.')) {
      if (stack.exitCode !== null) assert.fail(`cse start exited: ${stack.output()}`);
      if (Date.now() > deadline) assert.fail(`cse start did not come up: ${stack.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    workDir = await mkdtemp(join(tmpdir(), 'cse-walkthrough-'));
  });
  after(async () => {
    if (stack && stack.exitCode === null) {
      const exited = waitForExit(stack, 20_000);
      stack.kill('SIGTERM');
      await exited;
    }
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('shows exactly the script it runs', async () => {
    const [text, markdown] = await Promise.all([readFile(script, 'utf8'), readFile(doc, 'utf8')]);
    assert.ok(
      markdown.includes('```bash\n' + text + '```\n'),
      'docs/walkthrough.md embeds docs/walkthrough.sh',
    );
  });

  it('creates a cluster, lists its nodes with kubectl, deletes it, and leaves nothing in VCD', async () => {
    const provider = await TestClient.provider(url);
    const before0 = await provisioned(provider);

    const { code, output } = await runScript(workDir, { VCD_URL: url, WAIT_SECONDS: '300' }, 360_000);
    assert.equal(code, 0, output);

    const steps = output.split('\n').filter((line) => line.startsWith('== '));
    assert.deepEqual(
      steps.map((line) => line.slice(0, 5)),
      ['== 1.', '== 2.', '== 3.', '== 4.', '== 5.', '== 6.', '== 7.', '== 8.', '== 9.', '== do'],
      output,
    );
    assert.match(output, /^API token urn:vcloud:token:[0-9a-f-]{36}$/m);
    assert.match(output, /^template ubuntu-2204-kube-v1\.28\.11\+vmware\.2-tkg\.\d+-[0-9a-f]+$/m);
    assert.match(output, /^cluster urn:vcloud:entity:cseoss:k8scluster:[0-9a-f-]{36} accepted$/m);
    assert.match(output, /^phase Ready$/m);
    const nodes = output.split('\n').filter((line) => /^demo-\S+\s+Ready\s/.test(line));
    assert.equal(nodes.length, 3, output);
    assert.equal(nodes.filter((line) => /\scontrol-plane\s/.test(line)).length, 1, output);
    for (const reason of ['ProvisioningStarted', 'ClusterReady', 'KubeconfigDownloaded']) {
      assert.match(output, new RegExp(`^\\S+Z ${reason}$`, 'm'));
    }
    assert.match(output, /^clusters named demo: 0, API tokens for it: 0, vApps: 0$/m);
    assert.match(output, /^== done: demo was created, became Ready, was deleted, and nothing is left$/m);
    // Neither the session's bearer nor the API token is ever printed.
    assert.doesNotMatch(output, /eyJ[\w-]{10,}\.|refresh_token|access_token/);

    assert.deepEqual(await provisioned(provider), before0);
    assert.deepEqual(await readdir(workDir), [], 'the script removed its files');
  });
});
