import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningSimulator } from '../../sim/server.ts';
import { startTestSimulator, VcdClient } from '../helpers/vcd.ts';
import {
  albGateway,
  asyncCall,
  createPool,
  virtualServiceBody,
  type AlbGatewayFixture,
} from './support/infra.ts';

interface Assignment {
  id: string;
  gatewayRef: { id: string };
  serviceEngineGroupRef: { id: string };
  maxVirtualServices: number;
  numDeployedVirtualServices: number;
}

describe('service engine group assignments enforce the virtual-service quota', () => {
  let sim: RunningSimulator;
  let acme: VcdClient;
  let provider: VcdClient;
  let fixture: AlbGatewayFixture;
  let assignment: Assignment;

  before(async () => {
    sim = await startTestSimulator();
    acme = await VcdClient.login(sim.url, 'acme-author', 'acme');
    provider = await VcdClient.provider(sim.url);
    fixture = await albGateway(acme, 'acme-edge-uplink');
    const assignments = await acme.getAll<Assignment>(
      `/cloudapi/1.0.0/loadBalancer/serviceEngineGroups/assignments?filter=${encodeURIComponent(`gatewayRef.id==${fixture.gatewayId}`)}`,
    );
    assert.equal(assignments.length, 1);
    assignment = assignments[0]!;
  });
  after(() => sim.close());

  it('seeds a shared SEG with a quota of 10 per gateway', () => {
    assert.equal(assignment.maxVirtualServices, 10);
    assert.equal(assignment.numDeployedVirtualServices, 0);
  });

  it('lets only the provider change an assignment', async () => {
    const refused = await acme.put(
      `/cloudapi/1.0.0/loadBalancer/serviceEngineGroups/assignments/${assignment.id}`,
      {
        ...assignment,
        maxVirtualServices: 2,
      },
    );
    assert.equal(refused.status, 403);
    const changed = await provider.put<Assignment>(
      `/cloudapi/1.0.0/loadBalancer/serviceEngineGroups/assignments/${assignment.id}`,
      {
        ...assignment,
        maxVirtualServices: 2,
      },
    );
    assert.equal(changed.status, 200, changed.text);
    assert.equal(changed.body.maxVirtualServices, 2);
  });

  it('refuses a virtual service beyond the quota and counts deployed ones', async () => {
    for (const n of [1, 2]) {
      const pool = await createPool(acme, fixture, `quota-pool-${n}`);
      const task = await asyncCall(
        acme,
        'POST',
        '/cloudapi/1.0.0/loadBalancer/virtualServices',
        virtualServiceBody(fixture, `quota-vs-${n}`, pool, `198.51.100.${10 + n}`),
      );
      assert.equal(task.status, 'success', JSON.stringify(task.error));
    }
    const pool = await createPool(acme, fixture, 'quota-pool-3');
    const refused = await acme.post<{ minorErrorCode: string; message: string }>(
      '/cloudapi/1.0.0/loadBalancer/virtualServices',
      virtualServiceBody(fixture, 'quota-vs-3', pool, '198.51.100.13'),
    );
    assert.equal(refused.status, 400);
    assert.equal(refused.body.minorErrorCode, 'QUOTA_EXCEEDED');
    assert.match(refused.body.message, /maximum number of virtual services \(2\)/);
    const reread = await acme.get<Assignment>(
      `/cloudapi/1.0.0/loadBalancer/serviceEngineGroups/assignments/${assignment.id}`,
    );
    assert.equal(reread.body.numDeployedVirtualServices, 2);
    const seg = await acme.get<{ numDeployedVirtualServices: number }>(
      `/cloudapi/1.0.0/loadBalancer/serviceEngineGroups/${fixture.segId}`,
    );
    assert.equal(seg.body.numDeployedVirtualServices, 2);
  });

  it('frees quota when a virtual service is deleted', async () => {
    const summaries = await acme.getAll<{ id: string; name: string }>(
      `/cloudapi/1.0.0/edgeGateways/${fixture.gatewayId}/loadBalancer/virtualServiceSummaries?filter=name==quota-vs-1`,
    );
    const task = await asyncCall(
      acme,
      'DELETE',
      `/cloudapi/1.0.0/loadBalancer/virtualServices/${summaries[0]!.id}`,
    );
    assert.equal(task.status, 'success');
    const pools = await acme.getAll<{ id: string }>(
      `/cloudapi/1.0.0/edgeGateways/${fixture.gatewayId}/loadBalancer/poolSummaries?filter=name==quota-pool-3`,
    );
    const created = await asyncCall(
      acme,
      'POST',
      '/cloudapi/1.0.0/loadBalancer/virtualServices',
      virtualServiceBody(fixture, 'quota-vs-3', pools[0]!.id, '198.51.100.13'),
    );
    assert.equal(created.status, 'success');
  });

  it('refuses a SEG that is not assigned to the gateway', async () => {
    const other = await albGateway(acme, 'acme-edge-ipspace');
    const pool = await createPool(acme, fixture, 'quota-pool-seg');
    const response = await acme.post<{ message: string }>('/cloudapi/1.0.0/loadBalancer/virtualServices', {
      ...virtualServiceBody(fixture, 'quota-vs-seg', pool, '198.51.100.14'),
      serviceEngineGroupRef: { id: 'urn:vcloud:serviceEngineGroup:00000000-0000-4000-8000-000000000000' },
    });
    assert.equal(response.status, 400);
    assert.match(response.body.message, /not assigned/);
    void other;
  });
});
