import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningSimulator } from '../../sim/server.ts';
import { SimAdmin, startTestSimulator, VcdClient, type VcdErrorBody, type VcdTask } from '../helpers/vcd.ts';

describe('tasks', () => {
  let sim: RunningSimulator;
  let admin: SimAdmin;
  before(async () => {
    sim = await startTestSimulator();
    admin = new SimAdmin(sim.url);
  });
  after(() => sim.close());

  async function startTask(body: object): Promise<string> {
    const response = await fetch(`${sim.url}/sim/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.equal(response.status, 202);
    assert.equal(await response.text(), '', 'an accepted operation has an empty body');
    const location = response.headers.get('location')!;
    assert.match(location, new RegExp(`^${sim.url}/api/task/[0-9a-f-]{36}$`));
    return location;
  }

  it("runs to success with VCD's task JSON and the result content", async () => {
    const location = await startTask({
      org: 'acme',
      user: 'acme-author',
      operationName: 'createThing',
      resultContent: [{ id: 'a1', value: '203.0.113.10' }],
    });
    const author = await VcdClient.login(sim.url, 'acme-author', 'acme');
    const task = await author.waitForTask(location);
    assert.equal(task.status, 'success');
    assert.equal(task.progress, 100);
    assert.match(task.id, /^urn:vcloud:task:/);
    assert.equal(task.href, location);
    assert.equal(task.operationName, 'createThing');
    assert.equal(task.organization.name, 'acme');
    assert.equal(task.user.name, 'acme-author');
    assert.deepEqual(task.result?.resultContent, [{ id: 'a1', value: '203.0.113.10' }]);
    const raw = await author.get<Record<string, unknown>>(location);
    assert.match(raw.headers.get('content-type')!, /application\/vnd\.vmware\.vcloud\.task\+json/);
    for (const field of ['name', 'operation', 'startTime', 'endTime', 'owner', 'organization', 'error'])
      assert.ok(field in raw.body, field);
    assert.equal(raw.body.name, 'task');
  });

  it("ends in error with VCD's error inside the task", async () => {
    const location = await startTask({ org: 'acme', outcome: 'error' });
    const task = await (await VcdClient.login(sim.url, 'acme-admin', 'acme')).waitForTask(location);
    assert.equal(task.status, 'error');
    assert.equal(task.error?.majorErrorCode, 400);
    assert.equal(task.error?.minorErrorCode, 'BAD_REQUEST');
  });

  it('is visible only in its org: another tenant gets 404, the provider sees it', async () => {
    const location = await startTask({ org: 'acme' });
    const globex = await VcdClient.login(sim.url, 'globex-admin', 'globex');
    const hidden = await globex.get<VcdErrorBody>(location);
    assert.equal(hidden.status, 404);
    assert.equal(hidden.body.majorErrorCode, 404, 'legacy /api errors carry majorErrorCode');
    const provider = await VcdClient.provider(sim.url);
    assert.equal((await provider.get(location)).status, 200);
  });

  it('answers 404 for an unknown task id', async () => {
    const provider = await VcdClient.provider(sim.url);
    const response = await provider.get<VcdErrorBody>('/api/task/00000000-0000-4000-8000-000000000000');
    assert.equal(response.status, 404);
    assert.equal(response.body.minorErrorCode, 'RESOURCE_NOT_FOUND');
  });

  it('cancels a running task, which ends aborted; a finished task cannot be cancelled', async () => {
    const location = await startTask({ org: 'acme', workMs: 3_600_000 });
    const provider = await VcdClient.provider(sim.url);
    const running = await provider.get<VcdTask & { link: { rel: string }[] }>(location);
    assert.ok(['queued', 'running'].includes(running.body.status));
    assert.ok(running.body.link.some((link) => link.rel === 'task:cancel'));
    assert.equal((await provider.post(`${location}/action/cancel`)).status, 204);
    const task = await provider.waitForTask(location);
    assert.equal(task.status, 'aborted');
    assert.equal((await provider.post<VcdErrorBody>(`${location}/action/cancel`)).status, 400);
  });

  it('takes as long as the task latency class, and advancing time finishes it', async () => {
    const { speed } = await admin.latency({ durations: { task: 3_600_000 } });
    const location = await startTask({ org: 'acme' });
    const provider = await VcdClient.provider(sim.url);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal((await provider.get<VcdTask>(location)).body.status, 'running');
    // The clock moves in real milliseconds: one simulated hour at this speed.
    await admin.advance(3_600_000 / speed);
    const fresh = await VcdClient.provider(sim.url); // the old session idled out meanwhile
    assert.equal((await fresh.waitForTask(location, 2000)).status, 'success');
    await admin.latency({ durations: { task: 1000 } });
  });

  it('needs a bearer to read a task', async () => {
    const location = await startTask({ org: 'acme' });
    const response = await fetch(location, { headers: { accept: 'application/*+json;version=37.2' } });
    assert.equal(response.status, 401);
  });
});
