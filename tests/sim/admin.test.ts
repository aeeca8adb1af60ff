import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningSimulator } from '../../sim/server.ts';
import { SimAdmin, startTestSimulator, VcdClient, type WorldSnapshot } from '../helpers/vcd.ts';

describe('admin endpoints', () => {
  let sim: RunningSimulator;
  let admin: SimAdmin;
  before(async () => {
    sim = await startTestSimulator({ speed: 50 });
    admin = new SimAdmin(sim.url);
  });
  after(() => sim.close());

  it('do not exist without --admin', async () => {
    const closed = await startTestSimulator({ admin: false });
    try {
      for (const [method, path] of [
        ['GET', '/sim/state'],
        ['PUT', '/sim/faults'],
        ['POST', '/sim/reset'],
      ] as const) {
        const response = await fetch(`${closed.url}${path}`, { method });
        assert.equal(response.status, 404, `${method} ${path}`);
      }
    } finally {
      await closed.close();
    }
  });

  it('show the whole world, secrets included', async () => {
    const state = await admin.state<
      WorldSnapshot & { users: Record<string, { password: string }>; meta: { seed: number } }
    >();
    assert.equal(state.meta.seed, 1);
    assert.ok(Object.values(state.users).every((user) => user.password === 'VMware1!'));
    for (const collection of [
      'vdcs',
      'edgeGateways',
      'orgVdcNetworks',
      'ipSpaces',
      'vAppTemplates',
      'tasks',
      'apiTokens',
      'slices',
    ]) {
      assert.ok(collection in state, collection);
    }
  });

  it('read and change latency and speed at run time', async () => {
    const initial = await admin.latency();
    assert.equal(initial.speed, 50);
    for (const name of ['task', 'vmBoot', 'guestCustomization', 'albRealization', 'ipAllocation']) {
      assert.equal(typeof initial.durations[name], 'number', name);
    }
    const changed = await admin.latency({ speed: 200, durations: { vmBoot: 5000 } });
    assert.equal(changed.speed, 200);
    assert.equal(changed.durations.vmBoot, 5000);
    const bad = await fetch(`${sim.url}/sim/latency`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ speed: 0 }),
    });
    assert.equal(bad.status, 400);
    await admin.latency({ speed: 50, durations: { vmBoot: initial.durations.vmBoot! } });
  });

  it('advance the clock', async () => {
    const before = Date.parse(((await (await fetch(`${sim.url}/sim/time`)).json()) as { now: string }).now);
    const after = Date.parse((await admin.advance(3_600_000)).now);
    assert.ok(after - before >= 3_600_000);
  });

  it('reset to the seeded world: created objects, sessions and faults are gone', async () => {
    const acmeAdmin = await VcdClient.login(sim.url, 'acme-admin', 'acme');
    const role = await acmeAdmin.post<{ id: string }>('/cloudapi/1.0.0/roles', { name: 'Before Reset' });
    await admin.setFaults([{ path: '/cloudapi/1.0.0/rights', errorRate: 1 }]);
    const seededIds = Object.keys((await admin.state()).orgs);
    await admin.reset();
    const state = await admin.state<WorldSnapshot & { roles: Record<string, unknown> }>();
    assert.deepEqual(Object.keys(state.orgs), seededIds, 'same seed, same ids');
    assert.ok(!(role.body.id in state.roles));
    assert.equal((await acmeAdmin.get('/cloudapi/1.0.0/orgs')).status, 401);
    const fresh = await VcdClient.login(sim.url, 'acme-admin', 'acme');
    assert.equal((await fresh.get('/cloudapi/1.0.0/rights')).status, 200, 'faults were cleared');
  });
});
