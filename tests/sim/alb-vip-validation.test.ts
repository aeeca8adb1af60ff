import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningSimulator } from '../../sim/server.ts';
import { startTestSimulator, VcdClient } from '../helpers/vcd.ts';
import {
  albGateway,
  asyncCall,
  byName,
  createPool,
  virtualServiceBody,
  type AlbGatewayFixture,
} from './support/infra.ts';

type ErrorBody = { minorErrorCode: string; message: string };

describe('virtual service VIPs must belong to the gateway and not clash', () => {
  let sim: RunningSimulator;
  let acme: VcdClient;
  let legacy: AlbGatewayFixture;
  let ipSpace: AlbGatewayFixture;

  before(async () => {
    sim = await startTestSimulator();
    acme = await VcdClient.login(sim.url, 'acme-author', 'acme');
    legacy = await albGateway(acme, 'acme-edge-uplink');
    ipSpace = await albGateway(acme, 'acme-edge-ipspace');
  });
  after(() => sim.close());

  const create = (body: object) => acme.post<ErrorBody>('/cloudapi/1.0.0/loadBalancer/virtualServices', body);

  it('refuses a VIP outside the legacy gateway’s uplink ranges', async () => {
    const pool = await createPool(acme, legacy, 'vip-pool-outside');
    for (const vip of ['198.51.100.50', '203.0.113.20', '10.10.2.10']) {
      const response = await create(virtualServiceBody(legacy, 'vip-outside', pool, vip));
      assert.equal(response.status, 400, vip);
      assert.match(response.body.message, /does not belong to Edge Gateway "acme-edge-uplink"/);
    }
  });

  it('refuses a VIP on an IP-space gateway unless the org allocated it', async () => {
    const pool = await createPool(acme, ipSpace, 'vip-pool-ipspace');
    const refused = await create(virtualServiceBody(ipSpace, 'vip-ipspace', pool, '203.0.113.10'));
    assert.equal(refused.status, 400);
    const space = await byName(acme, '/cloudapi/1.0.0/ipSpaces', 'public-ip-space');
    const allocation = await asyncCall(acme, 'POST', `/cloudapi/1.0.0/ipSpaces/${space.id}/allocate`, {
      type: 'FLOATING_IP',
      quantity: 1,
    });
    const [{ value, id }] = JSON.parse(allocation.result!.resultContent as string) as {
      value: string;
      id: string;
    }[];
    const task = await asyncCall(
      acme,
      'POST',
      '/cloudapi/1.0.0/loadBalancer/virtualServices',
      virtualServiceBody(ipSpace, 'vip-ipspace', pool, value),
    );
    assert.equal(task.status, 'success', JSON.stringify(task.error));
    const used = await acme.get<{ usageState: string; usageCategories: string[] }>(
      `/cloudapi/1.0.0/ipSpaces/${space.id}/allocations/${id}`,
    );
    assert.equal(used.body.usageState, 'USED');
    assert.deepEqual(used.body.usageCategories, ['LOAD_BALANCER']);
    const release = await acme.delete<ErrorBody>(`/cloudapi/1.0.0/ipSpaces/${space.id}/allocations/${id}`);
    assert.equal(release.status, 400, 'an IP in use by a virtual service cannot be released');
  });

  it('refuses a second virtual service on the same VIP and port, and allows another port', async () => {
    const first = await createPool(acme, legacy, 'vip-pool-a');
    const second = await createPool(acme, legacy, 'vip-pool-b');
    const third = await createPool(acme, legacy, 'vip-pool-c');
    const created = await asyncCall(
      acme,
      'POST',
      '/cloudapi/1.0.0/loadBalancer/virtualServices',
      virtualServiceBody(legacy, 'vip-a', first, '198.51.100.12', 443),
    );
    assert.equal(created.status, 'success');
    const clash = await create(virtualServiceBody(legacy, 'vip-b', second, '198.51.100.12', 443));
    assert.equal(clash.status, 400);
    assert.match(clash.body.message, /already used by Virtual Service "vip-a"/);
    const range = await create({
      ...virtualServiceBody(legacy, 'vip-b', second, '198.51.100.12'),
      servicePorts: [{ portStart: 400, portEnd: 500 }],
    });
    assert.equal(range.status, 400, 'a port range covering 443 clashes too');
    const otherPort = await asyncCall(
      acme,
      'POST',
      '/cloudapi/1.0.0/loadBalancer/virtualServices',
      virtualServiceBody(legacy, 'vip-b', second, '198.51.100.12', 80),
    );
    assert.equal(otherPort.status, 'success', 'a shared VIP on another port is allowed');
    void third;
  });

  it('refuses a duplicate name on the gateway and a pool already used by another service', async () => {
    const pool = await createPool(acme, legacy, 'vip-pool-d');
    const duplicate = await create(virtualServiceBody(legacy, 'vip-a', pool, '198.51.100.15'));
    assert.equal(duplicate.status, 400);
    assert.equal(duplicate.body.minorErrorCode, 'DUPLICATE_NAME');
    const summaries = await acme.getAll<{ id: string; loadBalancerPoolRef: { id: string } }>(
      `/cloudapi/1.0.0/edgeGateways/${legacy.gatewayId}/loadBalancer/virtualServiceSummaries?filter=name==vip-a`,
    );
    const used = await create(
      virtualServiceBody(legacy, 'vip-e', summaries[0]!.loadBalancerPoolRef.id, '198.51.100.16'),
    );
    assert.equal(used.status, 400);
    assert.match(used.body.message, /is used by Virtual Service "vip-a"/);
    const poolDelete = await acme.delete<ErrorBody>(
      `/cloudapi/1.0.0/loadBalancer/pools/${summaries[0]!.loadBalancerPoolRef.id}`,
    );
    assert.equal(poolDelete.status, 400, 'a pool in use cannot be deleted');
  });

  it('refuses load balancing on a gateway without ALB, bad bodies and unknown fields', async () => {
    const noAlb = await byName(acme, '/cloudapi/1.0.0/edgeGateways', 'acme-edge-noalb');
    const pool = await acme.post<ErrorBody>('/cloudapi/1.0.0/loadBalancer/pools', {
      name: 'x',
      gatewayRef: { id: noAlb.id },
    });
    assert.equal(pool.status, 400);
    assert.match(pool.body.message, /not enabled/);
    const badVip = await create({ ...virtualServiceBody(legacy, 'bad', 'p', 'not-an-ip') });
    assert.equal(badVip.status, 400);
    const unknown = await create({
      ...virtualServiceBody(legacy, 'bad', 'p', '198.51.100.17'),
      color: 'red',
    });
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.message, /Unrecognized field "color"/);
    const tls = await create({
      ...virtualServiceBody(legacy, 'tls', await createPool(acme, legacy, 'vip-pool-tls'), '198.51.100.18'),
      applicationProfile: { type: 'HTTPS', systemDefined: true },
    });
    assert.equal(tls.status, 400);
    assert.match(tls.body.message, /requires a certificateRef/);
  });

  it('needs the configure right', async () => {
    const viewer = await VcdClient.login(sim.url, 'acme-viewer', 'acme');
    const response = await viewer.post('/cloudapi/1.0.0/loadBalancer/pools', {
      name: 'x',
      gatewayRef: { id: legacy.gatewayId },
    });
    assert.equal(response.status, 403);
    const summaries = await viewer.get(
      `/cloudapi/1.0.0/edgeGateways/${legacy.gatewayId}/loadBalancer/virtualServiceSummaries`,
    );
    assert.equal(summaries.status, 200);
  });
});
