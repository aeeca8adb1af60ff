import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningSimulator } from '../../sim/server.ts';
import { orgIdByName, SimAdmin, VcdClient } from '../helpers/vcd.ts';
import {
  albGateway,
  byName,
  createPool,
  createVApp,
  queryRecords,
  tenantFixture,
  startFastSimulator,
} from './support/infra.ts';

describe('org isolation across compute, networking, IP spaces and ALB', () => {
  let sim: RunningSimulator;
  let acme: VcdClient;
  let globex: VcdClient;
  let provider: VcdClient;
  const acmeIds: Record<string, string> = {};

  before(async () => {
    sim = await startFastSimulator();
    acme = await VcdClient.login(sim.url, 'acme-author', 'acme');
    globex = await VcdClient.login(sim.url, 'globex-author', 'globex');
    provider = await VcdClient.provider(sim.url);
    const vApp = await createVApp(acme, await tenantFixture(acme, 'acme'), { name: 'isolated-vapp' });
    acmeIds.vAppHref = vApp.href;
    acmeIds.vmHref = vApp.vApp.children.vm[0]!.href;
    const gateway = await albGateway(acme, 'acme-edge-uplink');
    acmeIds.gateway = gateway.gatewayId;
    acmeIds.pool = await createPool(acme, gateway, 'isolated-pool');
    acmeIds.network = (await byName(acme, '/cloudapi/1.0.0/orgVdcNetworks', 'acme-k8s-net')).id;
    acmeIds.vdc = (await byName(acme, '/cloudapi/1.0.0/vdcs', 'acme-vdc')).id;
  });
  after(() => sim.close());

  it('answers 404 to another org’s objects, as if they did not exist', async () => {
    for (const path of [
      acmeIds.vAppHref!,
      acmeIds.vmHref!,
      `/api/vdc/${acmeIds.vdc!.split(':').pop()}`,
      `/cloudapi/1.0.0/vdcs/${acmeIds.vdc}`,
      `/cloudapi/1.0.0/edgeGateways/${acmeIds.gateway}`,
      `/cloudapi/1.0.0/edgeGateways/${acmeIds.gateway}/usedIpAddresses`,
      `/cloudapi/1.0.0/edgeGateways/${acmeIds.gateway}/loadBalancer/virtualServiceSummaries`,
      `/cloudapi/1.0.0/orgVdcNetworks/${acmeIds.network}`,
      `/cloudapi/1.0.0/loadBalancer/pools/${acmeIds.pool}`,
    ]) {
      const response = await globex.get<{ minorErrorCode: string }>(path);
      assert.equal(response.status, 404, path);
      assert.equal(response.body.minorErrorCode, 'RESOURCE_NOT_FOUND', path);
    }
  });

  it('lists only the caller’s objects', async () => {
    assert.equal((await queryRecords(globex, 'vApp')).total, 0);
    assert.equal((await queryRecords(globex, 'vm')).total, 0);
    const gateways = await globex.getAll<{ name: string }>('/cloudapi/1.0.0/edgeGateways');
    assert.ok(gateways.every((gateway) => gateway.name.startsWith('globex-')));
    const networks = await globex.getAll<{ name: string }>('/cloudapi/1.0.0/orgVdcNetworks');
    assert.ok(networks.every((network) => network.name.startsWith('globex-')));
  });

  it('refuses to build on another org’s gateway or VDC', async () => {
    const pool = await globex.post('/cloudapi/1.0.0/loadBalancer/pools', {
      name: 'steal',
      gatewayRef: { id: acmeIds.gateway },
    });
    assert.equal(pool.status, 404);
    const instantiate = await globex.post(
      `/api/vdc/${acmeIds.vdc!.split(':').pop()}/action/instantiateVAppTemplate`,
      {
        name: 'steal',
        source: { href: 'x' },
      },
    );
    assert.equal(instantiate.status, 404);
    assert.equal((await globex.post(`${acmeIds.vAppHref}/power/action/powerOn`)).status, 404);
    assert.equal((await globex.delete(acmeIds.vAppHref!)).status, 404);
  });

  it('lets the provider see everything, and act in a tenant with the tenant context', async () => {
    assert.equal((await provider.get(acmeIds.vAppHref!)).status, 200);
    const asGlobex = provider.inTenant(orgIdByName(await new SimAdmin(sim.url).state(), 'globex'));
    assert.equal((await asGlobex.get(acmeIds.vAppHref!)).status, 404);
    const admin = await queryRecords<{ org: string }>(provider, 'adminVApp');
    const acmeUuid = orgIdByName(await new SimAdmin(sim.url).state(), 'acme').replace('urn:vcloud:org:', '');
    assert.deepEqual(
      admin.record.map((record) => record.org.endsWith(`/api/org/${acmeUuid}`)),
      [true],
    );
  });
});
