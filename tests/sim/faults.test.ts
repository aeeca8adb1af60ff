import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunningSimulator } from '../../sim/server.ts';
import { runCse } from '../helpers/processes.ts';
import { SimAdmin, startTestSimulator, VcdClient, type VcdErrorBody } from '../helpers/vcd.ts';

describe('fault injection', () => {
  let sim: RunningSimulator;
  let admin: SimAdmin;
  let provider: VcdClient;
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sim-faults-'));
    sim = await startTestSimulator();
    admin = new SimAdmin(sim.url);
    provider = await VcdClient.provider(sim.url);
  });
  after(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function runTask(body: object = {}) {
    const response = await fetch(`${sim.url}/sim/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ org: 'acme', ...body }),
    });
    return provider.waitForTask(response.headers.get('location')!);
  }

  it('answers an endpoint fault with the given VCD error, for as many calls as asked', async () => {
    await admin.setFaults([
      {
        method: 'GET',
        path: '/cloudapi/1.0.0/orgs',
        error: { status: 503, minorErrorCode: 'SERVICE_UNAVAILABLE', message: 'cell is busy' },
        remaining: 2,
      },
    ]);
    for (let call = 0; call < 2; call++) {
      const failed = await provider.get<VcdErrorBody>('/cloudapi/1.0.0/orgs');
      assert.equal(failed.status, 503);
      assert.deepEqual(
        [failed.body.minorErrorCode, failed.body.message],
        ['SERVICE_UNAVAILABLE', 'cell is busy'],
      );
    }
    assert.equal((await provider.get('/cloudapi/1.0.0/orgs')).status, 200);
    assert.deepEqual((await admin.state<{ faults?: unknown }>()).faults, undefined);
    assert.equal(
      ((await (await fetch(`${sim.url}/sim/faults`)).json()) as { faults: unknown[] }).faults.length,
      0,
    );
  });

  it('matches path patterns with {param} segments and only the given method', async () => {
    await admin.setFaults([{ method: 'GET', path: '/cloudapi/1.0.0/orgs/{id}', errorRate: 1 }]);
    const orgs = await provider.getAll<{ id: string }>('/cloudapi/1.0.0/orgs');
    const failed = await provider.get<VcdErrorBody>(`/cloudapi/1.0.0/orgs/${orgs[0]!.id}`);
    assert.equal(failed.status, 500);
    assert.equal(failed.body.minorErrorCode, 'INTERNAL_SERVER_ERROR');
    assert.equal(
      (await provider.delete(`/cloudapi/1.0.0/orgs/${orgs[0]!.id}`)).status,
      404,
      'DELETE is not matched',
    );
    await admin.clearFaults();
  });

  it('fails about the given share of calls with an error rate', async () => {
    await admin.setFaults([{ path: '/cloudapi/1.0.0/rights', errorRate: 0.5 }]);
    let failures = 0;
    for (let call = 0; call < 80; call++)
      if ((await provider.get('/cloudapi/1.0.0/rights?pageSize=1')).status === 500) failures++;
    assert.ok(failures > 15 && failures < 65, `${failures} of 80 failed`);
    await admin.clearFaults();
  });

  it('adds delay to an endpoint (simulated ms, divided by the speed)', async () => {
    const { speed } = await admin.latency();
    await admin.setFaults([{ path: '/cloudapi/1.0.0/sessions/current', delayMs: 300 * speed }]);
    const started = Date.now();
    assert.equal((await provider.get('/cloudapi/1.0.0/sessions/current')).status, 200);
    assert.ok(Date.now() - started >= 250, `took ${Date.now() - started} ms`);
    await admin.clearFaults();
  });

  it('fails the task of an operation class with the injected error', async () => {
    await admin.setFaults([
      {
        operationClass: 'task',
        error: { status: 500, minorErrorCode: 'INTERNAL_SERVER_ERROR', message: 'vCenter down' },
      },
    ]);
    const task = await runTask();
    assert.equal(task.status, 'error');
    assert.equal(task.error?.message, 'vCenter down');
    await admin.clearFaults();
    assert.equal((await runTask()).status, 'success');
  });

  it('reports quota exhaustion as QUOTA_EXCEEDED', async () => {
    await admin.setFaults([{ operationClass: 'task', quotaExhausted: true, remaining: 1 }]);
    const task = await runTask();
    assert.equal(task.status, 'error');
    assert.equal(task.error?.minorErrorCode, 'QUOTA_EXCEEDED');
    assert.equal((await runTask()).status, 'success');
  });

  it('keeps a VM-never-boots fault for the compute area to consume', async () => {
    const set = await admin.setFaults([{ vmNeverBoots: true, remaining: 1 }]);
    assert.equal(set.faults.length, 1);
    await admin.clearFaults();
  });

  it('refuses malformed fault rules with 400', async () => {
    for (const body of [
      [{ errorRate: 2, path: '/x' }],
      [{ delayMs: 5 }],
      [{ path: 'no-slash' }],
      [{ path: '/x', surprise: true }],
    ]) {
      const response = await fetch(`${sim.url}/sim/faults`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      assert.equal(response.status, 400, JSON.stringify(body));
    }
  });

  it('loads faults from a --faults file at start', async () => {
    const file = join(dir, 'faults.json');
    await writeFile(file, JSON.stringify({ faults: [{ path: '/cloudapi/1.0.0/orgs', errorRate: 1 }] }));
    const withFaults = await startTestSimulator({ faultsFile: file });
    try {
      const client = await VcdClient.provider(withFaults.url);
      assert.equal((await client.get('/cloudapi/1.0.0/orgs')).status, 500);
    } finally {
      await withFaults.close();
    }
  });

  it('`cse sim --faults` refuses an invalid file with one clear line', async () => {
    const file = join(dir, 'bad.json');
    await writeFile(file, JSON.stringify([{ errorRate: 'often' }]));
    const result = await runCse(['sim', '--port', '0', '--faults', file]);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr.trim(),
      /^cse: simulator: faults file .*bad\.json: faults\.0\.errorRate: Expected number, received string$/,
    );
  });
});
