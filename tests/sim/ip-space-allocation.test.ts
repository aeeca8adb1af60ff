import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningSimulator } from '../../sim/server.ts';
import { orgIdByName, SimAdmin, startTestSimulator, VcdClient, type VcdPage } from '../helpers/vcd.ts';
import { asyncCall, byName } from './support/infra.ts';

interface Allocation {
  id: string;
  value: string;
  usageState: string;
  description: string;
  orgRef: { name: string };
}

describe('IP spaces: allocate, quota, usage and release', () => {
  let sim: RunningSimulator;
  let acme: VcdClient;
  let globex: VcdClient;
  let provider: VcdClient;
  let spaceId: string;
  let acmeId: string;

  before(async () => {
    sim = await startTestSimulator();
    acme = await VcdClient.login(sim.url, 'acme-author', 'acme');
    globex = await VcdClient.login(sim.url, 'globex-author', 'globex');
    provider = await VcdClient.provider(sim.url);
    spaceId = (await byName(acme, '/cloudapi/1.0.0/ipSpaces', 'public-ip-space')).id;
    acmeId = orgIdByName(await new SimAdmin(sim.url).state(), 'acme');
  });
  after(() => sim.close());

  it('allocates floating IPs in a task whose resultContent lists them', async () => {
    const task = await asyncCall(acme, 'POST', `/cloudapi/1.0.0/ipSpaces/${spaceId}/allocate`, {
      type: 'FLOATING_IP',
      quantity: 2,
    });
    assert.equal(task.status, 'success', JSON.stringify(task.error));
    const result = JSON.parse(task.result!.resultContent as string) as { id: string; value: string }[];
    assert.equal(result.length, 2);
    assert.notEqual(result[0]!.value, result[1]!.value);
    const allocation = await acme.get<Allocation>(
      `/cloudapi/1.0.0/ipSpaces/${spaceId}/allocations/${result[0]!.id}`,
    );
    assert.equal(allocation.status, 200);
    assert.equal(allocation.body.usageState, 'UNUSED');
    assert.equal(allocation.body.orgRef.name, 'acme');
  });

  it('marks an allocation USED_MANUAL with a description and finds it by filter', async () => {
    const [first] = await acme.getAll<Allocation>(`/cloudapi/1.0.0/ipSpaces/${spaceId}/allocations`);
    const updated = await acme.put<Allocation>(
      `/cloudapi/1.0.0/ipSpaces/${spaceId}/allocations/${first!.id}`,
      {
        ...first,
        usageState: 'USED_MANUAL',
        description: 'cluster-demo-id-1234',
      },
    );
    assert.equal(updated.status, 200, updated.text);
    const found = await acme.get<VcdPage<Allocation>>(
      `/cloudapi/1.0.0/ipSpaces/${spaceId}/allocations?filter=${encodeURIComponent('usageState==USED_MANUAL;type==FLOATING_IP')}`,
    );
    assert.deepEqual(
      found.body.values.map((a) => [a.value, a.description]),
      [[first!.value, 'cluster-demo-id-1234']],
    );
  });

  it('suggests the unused floating IPs usable on a gateway', async () => {
    const gateway = await byName(acme, '/cloudapi/1.0.0/edgeGateways', 'acme-edge-ipspace');
    const response = await acme.get<VcdPage<{ ipSpaceRef: { name: string }; unusedValues: string[] }>>(
      `/cloudapi/1.0.0/ipSpaces/floatingIpSuggestions?filter=${encodeURIComponent(`gatewayId==${gateway.id};ipType==IPV4`)}`,
    );
    assert.equal(response.status, 200, response.text);
    assert.equal(response.body.values[0]!.ipSpaceRef.name, 'public-ip-space');
    assert.equal(response.body.values[0]!.unusedValues.length, 1);
    assert.equal((await acme.get('/cloudapi/1.0.0/ipSpaces/floatingIpSuggestions')).status, 400);
  });

  it('keeps each org’s allocations to itself', async () => {
    assert.equal(
      (await globex.getAll<Allocation>(`/cloudapi/1.0.0/ipSpaces/${spaceId}/allocations`)).length,
      0,
    );
    const all = await provider.getAll<Allocation>(`/cloudapi/1.0.0/ipSpaces/${spaceId}/allocations`);
    assert.equal(all.length, 2);
  });

  it('fails the allocation task when the org quota would be exceeded', async () => {
    const assignments = await provider.getAll<{
      id: string;
      orgRef: { id: string };
      ipSpaceRef: { id: string };
    }>('/cloudapi/1.0.0/ipSpaces/orgAssignments');
    const acmeAssignment = assignments.find((a) => a.orgRef.id === acmeId && a.ipSpaceRef.id === spaceId)!;
    const set = await provider.put(`/cloudapi/1.0.0/ipSpaces/orgAssignments/${acmeAssignment.id}`, {
      ...acmeAssignment,
      customQuotas: { floatingIpQuota: 3 },
    });
    assert.equal(set.status, 200, set.text);
    const space = await acme.get<{
      utilization: { floatingIPs: { totalCount: string; allocatedCount: string } };
    }>(`/cloudapi/1.0.0/ipSpaces/${spaceId}`);
    assert.deepEqual(space.body.utilization.floatingIPs.totalCount, '3');
    assert.deepEqual(space.body.utilization.floatingIPs.allocatedCount, '2');

    const failed = await asyncCall(acme, 'POST', `/cloudapi/1.0.0/ipSpaces/${spaceId}/allocate`, {
      type: 'FLOATING_IP',
      quantity: 2,
    });
    assert.equal(failed.status, 'error');
    assert.equal(failed.error!.minorErrorCode, 'QUOTA_EXCEEDED');
    assert.match(failed.error!.message, /quota of 3/);
    const ok = await asyncCall(acme, 'POST', `/cloudapi/1.0.0/ipSpaces/${spaceId}/allocate`, {
      type: 'FLOATING_IP',
      quantity: 1,
    });
    assert.equal(ok.status, 'success');
    const again = await asyncCall(acme, 'POST', `/cloudapi/1.0.0/ipSpaces/${spaceId}/allocate`, {
      type: 'FLOATING_IP',
      quantity: 1,
    });
    assert.equal(again.status, 'error');
  });

  it('releases an allocation back to the space', async () => {
    const before = await acme.getAll<Allocation>(`/cloudapi/1.0.0/ipSpaces/${spaceId}/allocations`);
    const released = await acme.delete(`/cloudapi/1.0.0/ipSpaces/${spaceId}/allocations/${before[0]!.id}`);
    assert.equal(released.status, 204);
    const after = await acme.getAll<Allocation>(`/cloudapi/1.0.0/ipSpaces/${spaceId}/allocations`);
    assert.equal(after.length, before.length - 1);
    const task = await asyncCall(acme, 'POST', `/cloudapi/1.0.0/ipSpaces/${spaceId}/allocate`, {
      type: 'FLOATING_IP',
      value: before[0]!.value,
    });
    assert.equal(task.status, 'success', JSON.stringify(task.error));
  });

  it('needs the allocate right, a tenant context for the provider, and a valid body', async () => {
    const viewer = await VcdClient.login(sim.url, 'acme-viewer', 'acme');
    const refused = await viewer.post(`/cloudapi/1.0.0/ipSpaces/${spaceId}/allocate`, {
      type: 'FLOATING_IP',
      quantity: 1,
    });
    assert.equal(refused.status, 403);
    const noContext = await provider.post<{ minorErrorCode: string }>(
      `/cloudapi/1.0.0/ipSpaces/${spaceId}/allocate`,
      {
        type: 'FLOATING_IP',
        quantity: 1,
      },
    );
    assert.equal(noContext.status, 400);
    const inTenant = provider.inTenant(orgIdByName(await new SimAdmin(sim.url).state(), 'globex'));
    const task = await asyncCall(inTenant, 'POST', `/cloudapi/1.0.0/ipSpaces/${spaceId}/allocate`, {
      type: 'FLOATING_IP',
      quantity: 1,
    });
    assert.equal(task.status, 'success');
    assert.equal(task.organization.name, 'globex');
    const unknownField = await acme.post<{ message: string }>(
      `/cloudapi/1.0.0/ipSpaces/${spaceId}/allocate`,
      { type: 'FLOATING_IP', count: 1 },
    );
    assert.equal(unknownField.status, 400);
    assert.match(unknownField.body.message, /Unrecognized field "count"/);
  });
});
