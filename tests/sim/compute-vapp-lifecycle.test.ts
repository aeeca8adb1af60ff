import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningSimulator } from '../../sim/server.ts';
import { SimAdmin, VcdClient, type VcdPage, type VcdTask } from '../helpers/vcd.ts';
import {
  byName,
  createVApp,
  eventually,
  ipOf,
  queryRecords,
  tenantFixture,
  type TenantFixture,
  type VAppBody,
  startFastSimulator,
} from './support/infra.ts';

describe('vApp lifecycle: instantiate, power, delete and IP pool accounting', () => {
  let sim: RunningSimulator;
  let author: VcdClient;
  let fixture: TenantFixture;

  before(async () => {
    sim = await startFastSimulator();
    author = await VcdClient.login(sim.url, 'acme-author', 'acme');
    fixture = await tenantFixture(author, 'acme');
  });
  after(() => sim.close());

  const networkUsage = async () => {
    const network = await byName<{ id: string; name: string; usedIpCount: number }>(
      author,
      '/cloudapi/1.0.0/orgVdcNetworks',
      'acme-k8s-net',
    );
    return network.usedIpCount;
  };

  it('instantiates a template powered on, with a pool IP, the sizing policy and the user-data guest property', async () => {
    const before = await networkUsage();
    const userdata = Buffer.from('#cloud-config\nruncmd: [echo hi]\n').toString('base64');
    const { created, task, vApp } = await createVApp(author, fixture, {
      name: 'lifecycle-one',
      powerOn: true,
      properties: { 'user-data': userdata },
      sizingPolicy: 'TKG medium',
    });
    assert.equal(created.status, 0, 'unresolved while the task runs');
    assert.equal(task.status, 'success', JSON.stringify(task.error));
    assert.equal(task.operationName, 'vdcInstantiateVapp');
    assert.equal(task.owner.id, vApp.id);
    assert.equal(vApp.status, 4);
    const vm = vApp.children.vm[0]!;
    assert.equal(vm.status, 4);
    const ip = ipOf(vm)!;
    assert.match(ip, /^10\.10\.1\.\d+$/);
    const last = Number(ip.split('.')[3]);
    assert.ok(last >= 10 && last <= 200, ip);
    assert.equal(vm.vmSpecSection.numCpus, 2);
    assert.equal(vm.vmSpecSection.memoryResourceMb.configured, 8192);
    // @vcd/bindings names: a set value is a `valueElement`, the OVF default the `valueAttrib`.
    const product = vm.section.find((section) => section._type === 'ProductSectionType') as unknown as {
      categoryOrProperty: { key: string; valueAttrib: string; valueElement: { value: string }[] }[];
    };
    const value = (key: string) => {
      const property = product.categoryOrProperty.find((candidate) => candidate.key === key);
      return property?.valueElement[0]?.value ?? property?.valueAttrib;
    };
    assert.equal(value('user-data'), userdata);
    assert.equal(await networkUsage(), before + 1);

    // The guest finishes customisation after power-on.
    await eventually(async () => {
      return (
        (await author.get<{ guestCustStatus: string }>(`${vm.href}/guestcustomizationstatus`)).body
          .guestCustStatus === 'GC_COMPLETE'
      );
    });
    const status = await author.get<{ guestCustStatus: string }>(`${vm.href}/guestcustomizationstatus`);
    assert.equal(status.body.guestCustStatus, 'GC_COMPLETE');
  });

  it('finds vApps and VMs by name through the query service', async () => {
    const vms = await queryRecords<{
      name: string;
      containerName: string;
      status: string;
      ipAddress: string;
    }>(author, 'vm', 'name==lifecycle-one');
    assert.equal(vms.total, 1);
    assert.equal(vms.record[0]!.containerName, 'lifecycle-one');
    assert.equal(vms.record[0]!.status, 'POWERED_ON');
    assert.match(vms.record[0]!.ipAddress, /^10\.10\.1\./);
    const vApps = await queryRecords<{ name: string; status: string; numberOfVMs: number }>(
      author,
      'vApp',
      'name==lifecycle-*',
    );
    assert.equal(vApps.record.length, 1);
    assert.equal(vApps.record[0]!.numberOfVMs, 1);
  });

  it('gives every VM its own address', async () => {
    const [a, b] = await Promise.all([
      createVApp(author, fixture, { name: 'lifecycle-a' }),
      createVApp(author, fixture, { name: 'lifecycle-b' }),
    ]);
    const ips = [ipOf(a.vApp.children.vm[0]!), ipOf(b.vApp.children.vm[0]!)];
    assert.notEqual(ips[0], ips[1]);
    assert.equal(a.vApp.status, 8);
    const allocated = await author.get<VcdPage<{ ipAddress: string }>>(
      `/cloudapi/1.0.0/orgVdcNetworks/${(await byName(author, '/cloudapi/1.0.0/orgVdcNetworks', 'acme-k8s-net')).id}/allocatedIpAddresses`,
    );
    for (const ip of ips)
      assert.ok(
        allocated.body.values.some((entry) => entry.ipAddress === ip),
        String(ip),
      );
  });

  it('refuses a duplicate vApp name in the VDC', async () => {
    const response = await author.post(
      `/api/vdc/${fixture.vdcId.split(':').pop()}/action/instantiateVAppTemplate`,
      { name: 'lifecycle-a', source: { href: fixture.bootstrapHref } },
    );
    assert.equal(response.status, 400);
    assert.equal((response.body as { minorErrorCode: string }).minorErrorCode, 'DUPLICATE_NAME');
  });

  it('refuses to delete a running vApp, then powers off, undeploys, deletes and releases the IP', async () => {
    const vApps = await queryRecords<{ href: string }>(author, 'vApp', 'name==lifecycle-one');
    const href = vApps.record[0]!.href;
    const refused = await author.delete<{ minorErrorCode: string; message: string; majorErrorCode: number }>(
      href,
    );
    assert.equal(refused.status, 400);
    assert.equal(refused.body.majorErrorCode, 400);
    assert.match(refused.body.message, /Stop the vApp/);

    const powerOff = await author.post<VcdTask>(`${href}/power/action/powerOff`);
    assert.equal(powerOff.status, 202);
    assert.equal(powerOff.body.operationName, 'vappPowerOff');
    assert.equal((await author.waitForTask(powerOff.body.href)).status, 'success');
    const off = await author.get<VAppBody>(href);
    assert.equal(off.body.status, 8);
    assert.equal(off.body.deployed, true, 'a powered-off vApp stays deployed');
    assert.equal((await author.delete(href)).status, 400, 'still deployed');

    const undeploy = await author.post<VcdTask>(`${href}/action/undeploy`, {
      undeployPowerAction: 'powerOff',
    });
    assert.equal(undeploy.status, 202);
    await author.waitForTask(undeploy.body.href);

    const usage = await networkUsage();
    const deleted = await author.delete<VcdTask>(href);
    assert.equal(deleted.status, 202);
    assert.equal((await author.waitForTask(deleted.body.href)).status, 'success');
    assert.equal((await author.get(href)).status, 404);
    assert.equal(await networkUsage(), usage - 1);
  });

  it('answers a change of a busy vApp with BUSY_ENTITY', async () => {
    const vApps = await queryRecords<{ href: string }>(author, 'vApp', 'name==lifecycle-a');
    const href = vApps.record[0]!.href;
    // Hold the boot (10 s of clock time) so the first change is still running.
    const admin = new SimAdmin(sim.url);
    await admin.latency({ durations: { vmBoot: 10_000_000 } });
    const first = await author.post<VcdTask>(`${href}/power/action/powerOn`);
    assert.equal(first.status, 202);
    const second = await author.post<{ minorErrorCode: string }>(`${href}/power/action/powerOn`);
    assert.equal(second.status, 400);
    assert.equal(second.body.minorErrorCode, 'BUSY_ENTITY');
    await admin.latency({ durations: { vmBoot: 30_000 } });
    await admin.advance(10_000);
    assert.equal((await author.waitForTask(first.body.href)).status, 'success');
  });

  it('lets a viewer read vApps but not power them', async () => {
    const viewer = await VcdClient.login(sim.url, 'acme-viewer', 'acme');
    const vApps = await queryRecords<{ href: string }>(viewer, 'vApp', 'name==lifecycle-b');
    const href = vApps.record[0]!.href;
    assert.equal((await viewer.get(href)).status, 200);
    const refused = await viewer.post<{ minorErrorCode: string }>(`${href}/power/action/powerOn`);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.minorErrorCode, 'ACCESS_TO_RESOURCE_IS_FORBIDDEN');
  });
});
