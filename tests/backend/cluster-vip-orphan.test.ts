import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { reserveVip } from '../../backend/clusters/steps/vip.ts';
import { sweepCluster } from '../../backend/clusters/sweep.ts';
import { clusterNames } from '../../backend/clusters/names.ts';
import type { ClusterScope, RecordedResource } from '../../backend/clusters/scope.ts';
import type { ClusterStatus } from '../../backend/clusters/spec.ts';
import { VcdClient } from '../../backend/vcd/client.ts';
import type { EdgeGateway } from '../../backend/vcd/gateways.ts';
import {
  floatingIpSuggestions,
  listAllocations,
  startFloatingIpAllocation,
  allocationFromTask,
  type IpSpaceAllocation,
} from '../../backend/vcd/ipSpaces.ts';
import { listAll } from '../../backend/vcd/paging.ts';
import { startClusterStack, tenant, type ClusterStack, type Tenant } from './cluster-fixtures.ts';

/**
 * The gap a crash can leave in an IP-space VIP: VCD accepted the allocation but the worker died before recording
 * its task. The step and the sweep run here against the simulator with the status such a worker left behind.
 */
describe('an IP allocation orphaned between its start and its record', () => {
  let stack: ClusterStack;
  let acme: Tenant;
  let client: VcdClient;
  let gateway: EdgeGateway;
  let ipSpaceId: string;
  const taskWait = { initialPollMs: 10, maxPollMs: 50 };

  before(async () => {
    stack = await startClusterStack({ inProcessWorker: false });
    acme = await tenant(stack);
    client = new VcdClient({ url: stack.sim.url, org: 'acme', apiToken: acme.apiToken });
    const gateways = await listAll<EdgeGateway>(client, '/cloudapi/1.0.0/edgeGateways');
    gateway = gateways.find((candidate) => candidate.name === 'acme-edge-ipspace')!;
    ipSpaceId = (await floatingIpSuggestions(client, gateway.id))[0]!.ipSpaceRef.id;
  });
  after(async () => stack.close());

  const allocate = async (): Promise<IpSpaceAllocation> =>
    allocationFromTask(client, ipSpaceId, await startFloatingIpAllocation(client, ipSpaceId), taskWait);

  const scopeFor = (name: string, status: ClusterStatus): ClusterScope => {
    const id = `urn:vcloud:entity:cse:cluster:${crypto.randomUUID()}`;
    return {
      id,
      names: clusterNames(name, id),
      status,
      gateway,
      tenant: client,
      taskWait,
      log: pino({ level: 'silent' }),
      checkpoint: async () => undefined,
    } as unknown as ClusterScope;
  };

  const intentFor = (claim: string, untaggedBefore: string[]): RecordedResource => ({
    type: 'ipSpaceAllocation',
    id: claim,
    name: claim,
    parentId: ipSpaceId,
    purpose: 'control-plane endpoint',
    untaggedBefore,
  });

  it('adopts the allocation that appeared untagged since the intent, and leaves older untagged ones alone', async () => {
    const older = await allocate(); // a tenant's own unused allocation, there before the intent
    const status: ClusterStatus = { resources: [] };
    const scope = scopeFor('orphan-a', status);
    const claim = scope.names.controlPlaneClaim;
    status.resources!.push(intentFor(claim, [older.id]));
    const orphan = await allocate(); // what the killed worker's allocate made

    const ip = await reserveVip(scope, claim, 'control-plane endpoint');

    assert.equal(ip, orphan.value);
    const after = await listAllocations(client, ipSpaceId);
    assert.equal(after.find((a) => a.id === orphan.id)?.description, claim);
    assert.equal(after.find((a) => a.id === older.id)?.description, '', 'the older allocation is untouched');
    assert.equal(after.length, 2, 'nothing allocated twice');
    const recorded = status.resources!.find((r) => r.name === claim) as RecordedResource;
    assert.equal(recorded.id, orphan.id);
    assert.equal(recorded.untaggedBefore, undefined);
  });

  it('allocates anew when no allocation appeared since the intent', async () => {
    const before = await listAllocations(client, ipSpaceId);
    const status: ClusterStatus = { resources: [] };
    const scope = scopeFor('orphan-b', status);
    const claim = scope.names.controlPlaneClaim;
    status.resources!.push(
      intentFor(
        claim,
        before.filter((a) => !a.description).map((a) => a.id),
      ),
    );

    const ip = await reserveVip(scope, claim, 'control-plane endpoint');

    const after = await listAllocations(client, ipSpaceId);
    assert.equal(after.length, before.length + 1);
    assert.equal(after.find((a) => a.value === ip)?.description, claim);
  });

  it('the sweep releases an orphan of a cluster deleted before it resumed', async () => {
    const before = await listAllocations(client, ipSpaceId);
    const status: ClusterStatus = { resources: [] };
    const scope = scopeFor('orphan-c', status);
    const claim = scope.names.controlPlaneClaim;
    status.resources!.push(
      intentFor(
        claim,
        before.filter((a) => !a.description).map((a) => a.id),
      ),
    );
    const orphan = await allocate();

    await sweepCluster(scope);

    const after = await listAllocations(client, ipSpaceId);
    assert.equal(
      after.find((a) => a.id === orphan.id),
      undefined,
      'the orphan is released',
    );
    assert.deepEqual(
      after.map((a) => a.id).sort(),
      before.map((a) => a.id).sort(),
      'everything else is kept',
    );
    assert.deepEqual(status.resources, []);
  });
});
