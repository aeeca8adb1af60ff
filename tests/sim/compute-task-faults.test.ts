import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { RunningSimulator } from '../../sim/server.ts';
import { SimAdmin, VcdClient, type VcdTask } from '../helpers/vcd.ts';
import {
  albGateway,
  asyncCall,
  byName,
  createPool,
  eventually,
  instantiateParams,
  tenantFixture,
  virtualServiceBody,
  type TenantFixture,
  type VAppBody,
  startFastSimulator,
} from './support/infra.ts';

describe('task failures from fault injection (VM boot, guest, IP allocation, ALB realisation, pool exhaustion)', () => {
  let sim: RunningSimulator;
  let admin: SimAdmin;
  let acme: VcdClient;
  let fixture: TenantFixture;

  before(async () => {
    sim = await startFastSimulator();
    admin = new SimAdmin(sim.url);
    acme = await VcdClient.login(sim.url, 'acme-author', 'acme');
    fixture = await tenantFixture(acme, 'acme');
  });
  afterEach(() => admin.clearFaults());
  after(() => sim.close());

  const instantiate = async (name: string, powerOn: boolean, fixtureOverride = fixture) => {
    const response = await acme.post<VAppBody>(
      `/api/vdc/${fixtureOverride.vdcId.split(':').pop()}/action/instantiateVAppTemplate`,
      await instantiateParams(acme, fixtureOverride, { name, powerOn }),
    );
    assert.equal(response.status, 201, response.text);
    return { href: response.body.href, task: await acme.waitForTask(response.body.tasks!.task[0]!.href) };
  };

  it('fails the power-on when VM boot faults, leaving the vApp powered off', async () => {
    await admin.setFaults([
      {
        operationClass: 'vmBoot',
        error: { status: 500, minorErrorCode: 'INTERNAL_SERVER_ERROR', message: 'host failure' },
      },
    ]);
    const { href, task } = await instantiate('fault-boot', true);
    assert.equal(task.status, 'error');
    assert.equal(task.error!.message, 'host failure');
    const vApp = await acme.get<VAppBody>(href);
    assert.equal(vApp.body.status, 8);
  });

  it('keeps a VM that never boots powered on with its guest customisation pending', async () => {
    await admin.setFaults([{ vmNeverBoots: true, remaining: 1 }]);
    const { href, task } = await instantiate('fault-hang', true);
    assert.equal(task.status, 'success');
    const vm = (await acme.get<VAppBody>(href)).body.children.vm[0]!;
    assert.equal(vm.status, 4);
    await new Promise((resolve) => setTimeout(resolve, 200)); // far beyond guest customisation at this speed
    assert.equal(
      (await acme.get<{ guestCustStatus: string }>(`${vm.href}/guestcustomizationstatus`)).body
        .guestCustStatus,
      'GC_PENDING',
    );
  });

  it('fails the instantiate task when a manual IP is taken, leaving no vApp', async () => {
    const plain = { ...fixture, networkName: 'acme-plain-net' };
    const first = await instantiate('fault-manual-1', false, { ...plain });
    void first;
    const vdc = fixture.vdcId.split(':').pop();
    const manual = async (name: string) => {
      const response = await acme.post<VAppBody>(
        `/api/vdc/${vdc}/action/instantiateVAppTemplate`,
        await instantiateParams(acme, plain, { name, ipMode: 'MANUAL', ipAddress: '10.10.3.5' }),
      );
      return { href: response.body.href, task: await acme.waitForTask(response.body.tasks!.task[0]!.href) };
    };
    assert.equal((await manual('fault-manual-2')).task.status, 'success');
    const clash = await manual('fault-manual-3');
    assert.equal(clash.task.status, 'error');
    assert.match(clash.task.error!.message, /10\.10\.3\.5 is already in use/);
    assert.equal((await acme.get(clash.href)).status, 404, 'a failed create leaves no vApp');
  });

  it('fails the instantiate task with VCD’s error when the static pool is exhausted', async () => {
    // acme-plain-net's pool is .10–.200 (191 addresses); one is taken by the test above.
    const plain = { ...fixture, networkName: 'acme-plain-net' };
    const params = await instantiateParams(acme, plain, { name: 'x' });
    const vdc = fixture.vdcId.split(':').pop();
    const create = async (name: string) => {
      const response = await acme.post<VAppBody>(`/api/vdc/${vdc}/action/instantiateVAppTemplate`, {
        ...params,
        name,
        sourcedItem: params.sourcedItem.map((item) => ({ ...item, vmGeneralParams: { name } })),
      });
      assert.equal(response.status, 201, response.text);
      return acme.waitForTask(response.body.tasks!.task[0]!.href);
    };
    for (let batch = 0; batch < 190; batch += 38) {
      const tasks = await Promise.all(Array.from({ length: 38 }, (_, i) => create(`fill-${batch + i}`)));
      assert.ok(tasks.every((task) => task.status === 'success'));
    }
    const failed = await create('fill-overflow');
    assert.equal(failed.status, 'error');
    assert.equal(failed.error!.minorErrorCode, 'BAD_REQUEST');
    assert.match(failed.error!.message, /static IP pools of network "acme-plain-net" are exhausted/);
  });

  it('fails IP space allocation tasks on an ipAllocation fault', async () => {
    await admin.setFaults([{ operationClass: 'ipAllocation', quotaExhausted: true }]);
    const space = await byName(acme, '/cloudapi/1.0.0/ipSpaces', 'public-ip-space');
    const task = await asyncCall(acme, 'POST', `/cloudapi/1.0.0/ipSpaces/${space.id}/allocate`, {
      type: 'FLOATING_IP',
      quantity: 1,
    });
    assert.equal(task.status, 'error');
    assert.equal(task.error!.minorErrorCode, 'QUOTA_EXCEEDED');
    assert.equal((await acme.getAll(`/cloudapi/1.0.0/ipSpaces/${space.id}/allocations`)).length, 0);
  });

  it('fails an ALB create on an albRealization fault and leaves nothing behind', async () => {
    const gateway = await albGateway(acme, 'acme-edge-uplink');
    const pool = await createPool(acme, gateway, 'fault-pool');
    await admin.setFaults([{ operationClass: 'albRealization', errorRate: 1 }]);
    const task: VcdTask = await asyncCall(
      acme,
      'POST',
      '/cloudapi/1.0.0/loadBalancer/virtualServices',
      virtualServiceBody(gateway, 'fault-vs', pool, '198.51.100.21'),
    );
    assert.equal(task.status, 'error');
    assert.equal(task.error!.minorErrorCode, 'INTERNAL_SERVER_ERROR');
    assert.equal(
      (await acme.get(`/cloudapi/1.0.0/loadBalancer/virtualServices/${task.owner.id}`)).status,
      404,
    );
    await admin.clearFaults();
    const retry = await asyncCall(
      acme,
      'POST',
      '/cloudapi/1.0.0/loadBalancer/virtualServices',
      virtualServiceBody(gateway, 'fault-vs', pool, '198.51.100.21'),
    );
    assert.equal(retry.status, 'success');
  });

  it('answers an endpoint fault before the handler runs', async () => {
    await admin.setFaults([
      {
        method: 'POST',
        path: '/api/vdc/*/action/instantiateVAppTemplate',
        error: { status: 503, minorErrorCode: 'BUSY_ENTITY', message: 'try later' },
      },
    ]);
    const response = await acme.post<{ minorErrorCode: string; majorErrorCode: number }>(
      `/api/vdc/${fixture.vdcId.split(':').pop()}/action/instantiateVAppTemplate`,
      await instantiateParams(acme, fixture, { name: 'fault-endpoint' }),
    );
    assert.equal(response.status, 503);
    assert.equal(response.body.majorErrorCode, 503);
  });

  it('eventually boots a VM with slow guest customisation', async () => {
    // 100 s of guest customisation at speed 1000 is 100 ms of clock time; sessions must outlive the jump.
    await admin.latency({
      durations: {
        guestCustomization: 100_000_000,
        sessionIdleTimeout: 10 ** 12,
        accessTokenLifetime: 10 ** 12,
      },
    });
    const { href } = await instantiate('fault-slow', true);
    const vm = (await acme.get<VAppBody>(href)).body.children.vm[0]!;
    assert.equal(
      (await acme.get<{ guestCustStatus: string }>(`${vm.href}/guestcustomizationstatus`)).body
        .guestCustStatus,
      'POST_GC_PENDING',
    );
    await admin.advance(100_000); // clock ms: the scaled duration
    await eventually(
      async () =>
        (await acme.get<{ guestCustStatus: string }>(`${vm.href}/guestcustomizationstatus`)).body
          .guestCustStatus === 'GC_COMPLETE',
    );
  });
});
