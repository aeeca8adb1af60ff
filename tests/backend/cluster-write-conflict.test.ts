/**
 * Another writer changes the cluster entity while a create step waits on VCD (the API's own `resolve` right after
 * the create does, and so can a user): the step's next status write gets 412. That is a conflict to read again
 * after, not VCD refusing the load balancer or the IP quota: the create must go on without failing, sweeping or
 * creating anything twice.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ClusterEntity } from '../../backend/clusters/spec.ts';
import type { RdeEntity } from '../../backend/vcd/rde.ts';
import {
  clusterRequest,
  createCluster,
  readCluster,
  sleep,
  startClusterStack,
  tenant,
  waitForPhase,
  type ClusterStack,
  type Tenant,
} from './cluster-fixtures.ts';

interface TaskRecord {
  operation: string;
  operationName: string;
}

async function tasks(stack: ClusterStack): Promise<TaskRecord[]> {
  const state = (await stack.admin.state()) as unknown as { tasks: Record<string, TaskRecord> };
  return Object.values(state.tasks);
}

/** Pool and virtual service creations the simulator ran whose object name carries `fragment`. */
async function creations(stack: ClusterStack, fragment: string): Promise<string[]> {
  return (await tasks(stack))
    .map((task) => task.operation)
    .filter(
      (operation) =>
        /^Creating (Load Balancer Pool|Virtual Service) /.test(operation) && operation.includes(fragment),
    )
    .sort();
}

type Resource = { type: string; id: string; name?: string; task?: string };

/** Waits until the cluster's status shows a resource of `type` in the state `pending` picks out. */
async function waitForResource(
  stack: ClusterStack,
  id: string,
  type: string,
  pending: (resource: Resource) => boolean,
): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const cluster = await readCluster(stack, id);
    const resources = (cluster?.status.resources ?? []) as Resource[];
    if (resources.some((resource) => resource.type === type && pending(resource))) return;
    await sleep(20);
  }
  throw new Error(`cluster ${id} never had a pending ${type}`);
}

describe('a create step whose status write meets another writer (412)', () => {
  let stack: ClusterStack;
  let acme: Tenant;

  before(async () => {
    stack = await startClusterStack();
    acme = await tenant(stack);
  });
  after(() => stack.close());

  for (const { step, type, pending, creates } of [
    {
      step: 'the control-plane VIP',
      type: 'ipSpaceAllocation',
      // Its allocation task is recorded: the step now waits on it, and writes again after it.
      pending: (resource: Resource) => resource.task !== undefined,
      creates: 'ipAllocation',
    },
    {
      step: 'the control-plane virtual service',
      type: 'virtualService',
      // Recorded before it is created, so its id is still its name while VCD realises it.
      pending: (resource: Resource) => resource.id === resource.name,
      creates: 'albRealization',
    },
  ]) {
    it(`reads again and goes on when it happens while ${step} is being created`, async () => {
      const latency = await stack.admin.latency();
      // Long enough to change the entity while the step waits on the task.
      await stack.admin.latency({ durations: { [creates]: 300_000 } });
      const name = `race-${type.toLowerCase().slice(0, 10)}`;
      let id = '';
      const allocationsBefore = (await tasks(stack)).filter(
        (task) => task.operationName === 'ipSpaceAllocate',
      );
      try {
        const created = await createCluster(acme, clusterRequest(acme, name));
        assert.equal(created.status, 202, JSON.stringify(created.body));
        id = created.body.id;
        await waitForResource(stack, id, type, pending);
        // Another writer: the provider saves the entity unchanged, which gives it a new ETag.
        const path = `/cloudapi/1.0.0/entities/${encodeURIComponent(id)}`;
        const current = await stack.vcd.get<RdeEntity<ClusterEntity>>(path);
        const saved = await stack.vcd.put(path, current.body, { ifMatch: current.etag });
        assert.equal(saved.status, 200);
      } finally {
        await stack.admin.latency({ durations: { [creates]: latency.durations[creates]! } });
      }
      const cluster = (await waitForPhase(stack, id, ['Ready', 'Failed'], 60_000))!;
      const warnings = (cluster.status.events ?? []).filter((event) => event.type === 'Warning');
      assert.deepEqual(warnings, [], 'the create went on without a failure or a sweep');
      assert.equal(cluster.phase, 'Ready');
      const uuid = id.split(':').pop()!;
      // Three virtual services and three pools, each created once (a sweep would have made them again).
      const made = await creations(stack, uuid);
      assert.equal(made.length, 6, made.join('\n'));
      assert.equal(new Set(made).size, 6, made.join('\n'));
      // Two floating IPs (API and ingress), each allocated once.
      const allocated = (await tasks(stack)).filter((task) => task.operationName === 'ipSpaceAllocate');
      assert.equal(allocated.length - allocationsBefore.length, 2);
      const recorded = (cluster.status.resources ?? []).filter(
        (resource) => resource.type === 'ipSpaceAllocation',
      );
      assert.equal(recorded.length, 2);
    });
  }
});
