import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningSimulator } from '../../sim/server.ts';
import { startTestSimulator, VcdClient, type VcdPage } from '../helpers/vcd.ts';
import { asyncCall, byName } from './support/infra.ts';

interface Gateway {
  id: string;
  name: string;
  edgeGatewayUplinks: {
    usingIpSpace: boolean;
    subnets: {
      values: {
        primaryIp: string;
        usedIpCount: number;
        ipRanges: { values: { startAddress: string; endAddress: string }[] };
      }[];
    };
  }[];
}

describe('edge gateways, used IP addresses and org VDC networks', () => {
  let sim: RunningSimulator;
  let acme: VcdClient;

  before(async () => {
    sim = await startTestSimulator();
    acme = await VcdClient.login(sim.url, 'acme-author', 'acme');
  });
  after(() => sim.close());

  it('lists the tenant’s three gateways with their uplinks', async () => {
    const gateways = await acme.getAll<Gateway>('/cloudapi/1.0.0/edgeGateways');
    assert.deepEqual(
      gateways.map((g) => g.name),
      ['acme-edge-ipspace', 'acme-edge-noalb', 'acme-edge-uplink'],
    );
    const ipSpace = gateways.find((g) => g.name === 'acme-edge-ipspace')!;
    assert.equal(ipSpace.edgeGatewayUplinks[0]!.usingIpSpace, true);
    const legacy = gateways.find((g) => g.name === 'acme-edge-uplink')!;
    assert.deepEqual(legacy.edgeGatewayUplinks[0]!.subnets.values[0]!.ipRanges.values, [
      { startAddress: '198.51.100.10', endAddress: '198.51.100.29' },
    ]);
  });

  it('reports the primary IP and load balancer VIPs in usedIpAddresses of a legacy gateway', async () => {
    const gateway = await byName<Gateway>(acme, '/cloudapi/1.0.0/edgeGateways', 'acme-edge-uplink');
    const before = await acme.get<
      VcdPage<{ ipAddress: string; category: string; networkRef: { name: string } }>
    >(`/cloudapi/1.0.0/edgeGateways/${gateway.id}/usedIpAddresses`);
    assert.deepEqual(
      before.body.values.map((u) => [u.ipAddress, u.category]),
      [['198.51.100.10', 'PRIMARY_IP']],
    );
    assert.equal(before.body.values[0]!.networkRef.name, 'provider-gateway-legacy');

    const segs = await acme.getAll<{ id: string }>(
      `/cloudapi/1.0.0/loadBalancer/serviceEngineGroups?filter=${encodeURIComponent(`_context==${gateway.id}`)}`,
    );
    const poolTask = await asyncCall(acme, 'POST', '/cloudapi/1.0.0/loadBalancer/pools', {
      name: 'used-ip-pool',
      gatewayRef: { id: gateway.id },
      members: [{ ipAddress: '10.10.2.50', port: 6443 }],
    });
    await asyncCall(acme, 'POST', '/cloudapi/1.0.0/loadBalancer/virtualServices', {
      name: 'used-ip-vs',
      gatewayRef: { id: gateway.id },
      loadBalancerPoolRef: { id: poolTask.owner.id },
      serviceEngineGroupRef: { id: segs[0]!.id },
      applicationProfile: { type: 'L4', systemDefined: true },
      servicePorts: [{ portStart: 6443, tcpUdpProfile: { type: 'TCP_PROXY', systemDefined: true } }],
      virtualIpAddress: '198.51.100.11',
    });
    const after = await acme.getAll<{ ipAddress: string; category: string }>(
      `/cloudapi/1.0.0/edgeGateways/${gateway.id}/usedIpAddresses`,
    );
    assert.deepEqual(
      after.map((u) => [u.ipAddress, u.category]),
      [
        ['198.51.100.10', 'PRIMARY_IP'],
        ['198.51.100.11', 'Load_Balancer'],
      ],
    );
    const reread = await acme.get<Gateway>(`/cloudapi/1.0.0/edgeGateways/${gateway.id}`);
    assert.equal(reread.body.edgeGatewayUplinks[0]!.subnets.values[0]!.usedIpCount, 2);
  });

  it('serves routed networks with their static pools and gateway connection', async () => {
    const network = await byName<{
      id: string;
      name: string;
      networkType: string;
      connection: { routerRef: { name: string } };
      subnets: {
        values: {
          gateway: string;
          prefixLength: number;
          ipRanges: { values: { startAddress: string; endAddress: string }[] };
        }[];
      };
    }>(acme, '/cloudapi/1.0.0/orgVdcNetworks', 'acme-k8s-net');
    assert.equal(network.networkType, 'NAT_ROUTED');
    assert.equal(network.connection.routerRef.name, 'acme-edge-ipspace');
    assert.deepEqual(network.subnets.values[0]!.ipRanges.values, [
      { startAddress: '10.10.1.10', endAddress: '10.10.1.200' },
    ]);
  });

  it('filters networks by owner VDC, and takes only the documented _context value', async () => {
    const vdc = await byName(acme, '/cloudapi/1.0.0/vdcs', 'acme-vdc');
    const networksOf = (filter: string) =>
      acme.get<{ values: { name: string }[] }>(
        `/cloudapi/1.0.0/orgVdcNetworks?filter=${encodeURIComponent(filter)}`,
      );
    const owned = await networksOf(`ownerRef.id==${vdc.id}`);
    assert.deepEqual(owned.body.values.map((n) => n.name).sort(), [
      'acme-k8s-net',
      'acme-k8s-net-uplink',
      'acme-plain-net',
    ]);
    const accessible = await networksOf(`orgVdc.id==${vdc.id};_context==includeAccessible`);
    assert.equal(accessible.body.values.length, 3);
    // `_context` with an object id is no documented filter of these collections.
    const gateway = await byName(acme, '/cloudapi/1.0.0/edgeGateways', 'acme-edge-uplink');
    assert.equal((await networksOf(`_context==${gateway.id}`)).status, 400);
    assert.equal((await networksOf(`_context==${vdc.id}`)).status, 400);
    const gateways = await acme.get(
      `/cloudapi/1.0.0/edgeGateways?filter=${encodeURIComponent(`_context==${vdc.id}`)}`,
    );
    assert.equal(gateways.status, 400);
  });

  it('keeps provider gateways for the provider', async () => {
    assert.equal((await acme.get('/cloudapi/1.0.0/externalNetworks')).status, 403);
    const provider = await VcdClient.provider(sim.url);
    const networks = await provider.getAll<{ name: string }>('/cloudapi/1.0.0/externalNetworks');
    assert.deepEqual(
      networks.map((n) => n.name),
      ['provider-gateway-ipspace', 'provider-gateway-legacy'],
    );
  });
});
