import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { VcdClient } from '../../backend/vcd/client.ts';
import { VcdError, VcdTaskError, VcdTimeoutError } from '../../backend/vcd/errors.ts';
import { and, eq, matches } from '../../backend/vcd/fiql.ts';
import { iteratePages, listAll } from '../../backend/vcd/paging.ts';
import { waitForTask } from '../../backend/vcd/tasks.ts';
import { SimAdmin } from '../helpers/vcd.ts';
import { capturedLogger } from './bus-fake-vcd.ts';
import { startProviderStack, type ProviderStack } from './install-stack.ts';

describe('VCD client against the simulator', () => {
  let stack: ProviderStack;
  let admin: SimAdmin;
  let logs: () => string[];
  let vcd: VcdClient;

  before(async () => {
    stack = await startProviderStack();
    admin = new SimAdmin(stack.sim.url);
    const captured = capturedLogger();
    logs = captured.lines;
    vcd = new VcdClient({
      url: stack.sim.url,
      org: 'System',
      apiToken: stack.providerToken,
      logger: captured.logger,
      retryBaseMs: 10,
      timeoutMs: 2000,
    });
  });
  after(async () => {
    await admin.clearFaults();
    await stack.close();
  });

  it('logs in with the API token, negotiates the newest common API version, and logs no secret', async () => {
    assert.equal(await vcd.apiVersion(), '38.1');
    const orgs = await listAll<{ name: string }>(vcd, '/cloudapi/1.0.0/orgs');
    assert.deepEqual(orgs.map((org) => org.name).sort(), ['System', 'acme', 'globex']);
    const bearer = await vcd.currentBearer();
    const text = logs().join('\n');
    assert.ok(text.includes('VCD call'), 'calls are logged');
    assert.ok(!text.includes(stack.providerToken) && !text.includes(bearer), 'no token in any log line');
  });

  it('logs in again by itself when VCD no longer accepts the bearer (expired in VCD time)', async () => {
    await listAll(vcd, '/cloudapi/1.0.0/orgs');
    await admin.advance(2 * 3600_000);
    const orgs = await listAll<{ name: string }>(vcd, '/cloudapi/1.0.0/orgs');
    assert.equal(orgs.length, 3);
  });

  it('acts in a tenant with the tenant-context header', async () => {
    const acme = (
      await listAll<{ id: string; name: string }>(vcd, '/cloudapi/1.0.0/orgs', {
        filter: eq('name', 'acme'),
      })
    )[0]!;
    const roles = await listAll<{ name: string }>(vcd.withTenant(acme.id), '/cloudapi/1.0.0/roles');
    assert.ok(roles.some((role) => role.name === 'Kubernetes Cluster Author'));
  });

  it('pages through a collection and filters with unquoted, escaped FIQL values', async () => {
    const all = await listAll<{ name: string }>(vcd, '/cloudapi/1.0.0/rights');
    const pages: string[] = [];
    for await (const right of iteratePages<{ name: string }>(vcd, '/cloudapi/1.0.0/rights', {
      pageSize: 7,
    })) {
      pages.push(right.name);
    }
    assert.equal(pages.length, all.length);
    assert.ok(all.length > 7);
    const tricky = await listAll(vcd, '/cloudapi/1.0.0/rights', { filter: eq('name', 'a"b*,c;d==e(f)') });
    assert.deepEqual(tricky, [], 'quotes, separators and operators in a value cannot change the filter');
    const wildcard = await listAll<{ name: string }>(vcd, '/cloudapi/1.0.0/rights', {
      filter: and(matches('name', 'vApp: Edit VM *'), eq('name', 'vApp: Edit VM CPU')),
    });
    assert.deepEqual(
      wildcard.map((right) => right.name),
      ['vApp: Edit VM CPU'],
    );
  });

  it('waits for a task with backoff and turns a failed task into a typed error with VCD message', async () => {
    const started = await fetch(`${stack.sim.url}/sim/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ resultContent: 'done', workMs: 500 }),
    });
    const task = await waitForTask(vcd, started.headers.get('location')!);
    assert.equal(task.status, 'success');
    assert.equal(task.result?.resultContent, 'done');

    const failing = await fetch(`${stack.sim.url}/sim/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ outcome: 'error' }),
    });
    await assert.rejects(waitForTask(vcd, failing.headers.get('location')!), (error: unknown) => {
      assert.ok(error instanceof VcdTaskError);
      assert.equal(error.taskStatus, 'error');
      assert.equal(error.message, 'The simulated task failed as asked.');
      return true;
    });
  });

  it('retries 5xx and busy answers with jitter, never a 4xx', async () => {
    await admin.setFaults([
      {
        path: '/cloudapi/1.0.0/orgs',
        method: 'GET',
        error: { status: 503, minorErrorCode: 'INTERNAL_SERVER_ERROR', message: 'try later' },
        remaining: 2,
      },
    ]);
    assert.equal((await listAll(vcd, '/cloudapi/1.0.0/orgs')).length, 3, 'succeeds on the third attempt');

    await admin.setFaults([
      {
        path: '/cloudapi/1.0.0/orgs',
        method: 'GET',
        error: { status: 400, minorErrorCode: 'BAD_REQUEST', message: 'no' },
        remaining: 1,
      },
    ]);
    await assert.rejects(listAll(vcd, '/cloudapi/1.0.0/orgs'), (error: unknown) => {
      assert.ok(error instanceof VcdError);
      assert.deepEqual([error.status, error.minorErrorCode, error.message], [400, 'BAD_REQUEST', 'no']);
      return true;
    });
    assert.equal(
      (await listAll(vcd, '/cloudapi/1.0.0/orgs')).length,
      3,
      'the 4xx was not retried: fault used once',
    );

    await admin.setFaults([
      {
        path: '/cloudapi/1.0.0/orgs',
        method: 'POST',
        error: { status: 500, minorErrorCode: 'INTERNAL_SERVER_ERROR', message: 'maybe done' },
        remaining: 1,
      },
    ]);
    await assert.rejects(vcd.post('/cloudapi/1.0.0/orgs', { name: 'x' }), /maybe done/);
    await admin.clearFaults();
  });

  it('gives up on a call after its timeout with a typed error', async () => {
    await admin.setFaults([{ path: '/cloudapi/1.0.0/orgs', method: 'GET', delayMs: 600_000, remaining: 10 }]);
    const impatient = new VcdClient({
      url: stack.sim.url,
      org: 'System',
      apiToken: stack.providerToken,
      timeoutMs: 200,
      retries: 1,
      retryBaseMs: 10,
    });
    await assert.rejects(impatient.get('/cloudapi/1.0.0/orgs'), (error: unknown) => {
      assert.ok(error instanceof VcdTimeoutError);
      assert.equal(error.minorErrorCode, 'VCD_TIMEOUT');
      return true;
    });
    await admin.clearFaults();
  });
});
