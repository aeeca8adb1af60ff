import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningSimulator } from '../../sim/server.ts';
import { SimAdmin, VcdClient, type VcdPage } from '../helpers/vcd.ts';
import {
  albGateway,
  asyncCall,
  createPool,
  createVApp,
  eventually,
  ipOf,
  tenantFixture,
  virtualServiceBody,
  type AlbGatewayFixture,
  startFastSimulator,
} from './support/infra.ts';

interface Summary {
  id: string;
  name: string;
  healthStatus: string;
  status: string;
  virtualIpAddress: string;
  applicationProfileType: string;
}

describe('virtual service health follows the pool members’ VMs', () => {
  let sim: RunningSimulator;
  let acme: VcdClient;
  let fixture: AlbGatewayFixture;
  let poolId: string;
  let vmIp: string;
  let vAppHref: string;

  before(async () => {
    sim = await startFastSimulator();
    acme = await VcdClient.login(sim.url, 'acme-author', 'acme');
    fixture = await albGateway(acme, 'acme-edge-uplink');
    const vApp = await createVApp(acme, await tenantFixture(acme, 'acme', 'acme-k8s-net-uplink'), {
      name: 'health-node',
    });
    vmIp = ipOf(vApp.vApp.children.vm[0]!)!;
    vAppHref = vApp.href;
  });
  after(() => sim.close());

  const summary = async (name: string) => {
    const response = await acme.get<VcdPage<Summary>>(
      `/cloudapi/1.0.0/edgeGateways/${fixture.gatewayId}/loadBalancer/virtualServiceSummaries?filter=${encodeURIComponent(`name==${name}`)}`,
    );
    assert.equal(response.status, 200);
    return response.body.values[0]!;
  };

  it('is UNKNOWN while realising, then DOWN when no member VM runs', async () => {
    poolId = await createPool(acme, fixture, 'health-pool', [
      { ipAddress: vmIp },
      { ipAddress: '10.10.2.199', enabled: false },
    ]);
    // Hold the realisation (10 s of clock time) so the pending state is observable, then jump it.
    const admin = new SimAdmin(sim.url);
    await admin.latency({ durations: { albRealization: 10_000_000 } });
    const response = await acme.post(
      '/cloudapi/1.0.0/loadBalancer/virtualServices',
      virtualServiceBody(fixture, 'health-vs', poolId, '198.51.100.20'),
    );
    assert.equal(response.status, 202);
    const pending = await summary('health-vs');
    assert.equal(pending.status, 'PENDING');
    assert.equal(pending.healthStatus, 'UNKNOWN');
    await admin.latency({ durations: { albRealization: 8_000 } });
    await admin.advance(10_000);
    await acme.waitForTask(response.headers.get('location')!);
    const realized = await summary('health-vs');
    assert.equal(realized.status, 'REALIZED');
    assert.equal(realized.healthStatus, 'DOWN');
    assert.equal(realized.applicationProfileType, 'L4');
    const pool = await acme.get<{
      members: { ipAddress: string; healthStatus: string }[];
      upMemberCount: number;
      virtualServiceRefs: { name: string }[];
    }>(`/cloudapi/1.0.0/loadBalancer/pools/${poolId}`);
    assert.deepEqual(
      pool.body.members.map((m) => m.healthStatus),
      ['DOWN', 'DISABLED'],
    );
    assert.deepEqual(
      pool.body.virtualServiceRefs.map((ref) => ref.name),
      ['health-vs'],
    );
  });

  it('turns UP once a VM with the member IP is powered on and booted', async () => {
    const task = await asyncCall(acme, 'POST', `${vAppHref}/power/action/powerOn`);
    assert.equal(task.status, 'success');
    await eventually(async () => (await summary('health-vs')).healthStatus === 'UP');
    const service = await acme.get<{ healthStatus: string; detailedHealthMessage: string }>(
      `/cloudapi/1.0.0/loadBalancer/virtualServices/${(await summary('health-vs')).id}`,
    );
    assert.equal(service.body.healthStatus, 'UP');
    const pool = await acme.get<{ upMemberCount: number }>(`/cloudapi/1.0.0/loadBalancer/pools/${poolId}`);
    assert.equal(pool.body.upMemberCount, 1);
  });

  it('turns DOWN again when the VM powers off', async () => {
    await asyncCall(acme, 'POST', `${vAppHref}/power/action/powerOff`);
    assert.equal((await summary('health-vs')).healthStatus, 'DOWN');
  });

  it('follows pool member updates', async () => {
    await asyncCall(acme, 'POST', `${vAppHref}/power/action/powerOn`);
    await eventually(async () => (await summary('health-vs')).healthStatus === 'UP');
    const pool = await acme.get<Record<string, unknown>>(`/cloudapi/1.0.0/loadBalancer/pools/${poolId}`);
    const update = await asyncCall(acme, 'PUT', `/cloudapi/1.0.0/loadBalancer/pools/${poolId}`, {
      ...pool.body,
      members: [{ ipAddress: '10.10.2.198', port: 6443, ratio: 1, enabled: true }],
    });
    assert.equal(update.status, 'success', JSON.stringify(update.error));
    assert.equal((await summary('health-vs')).healthStatus, 'DOWN');
  });
});
