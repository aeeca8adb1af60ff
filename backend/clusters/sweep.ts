/**
 * Removes what was created for a cluster: every recorded object, and every object whose name or claim marker
 * carries the cluster's UUID (an interrupted attempt may have created one it did not record). Order: bootstrap VM,
 * the workload cluster's vApp, virtual services, pools, IP allocations. Absent objects are fine; each removal is
 * forgotten in status as it happens, so a sweep interrupted halfway resumes where it stopped.
 */
import { deletePool, deleteVirtualService, poolSummaries, virtualServiceSummaries } from '../vcd/alb.ts';
import { usesIpSpaces } from '../vcd/gateways.ts';
import {
  allocationFromTask,
  floatingIpSuggestions,
  listAllocations,
  releaseAllocation,
} from '../vcd/ipSpaces.ts';
import { deleteVApp, findVAppsByName, hrefId } from '../vcd/vapps.ts';
import { findOrphanedAllocation, mayHaveOrphan } from './orphaned-allocations.ts';
import { forgetResource, resources, type ClusterScope, type RecordedResource } from './scope.ts';

function carriesCluster(scope: ClusterScope, text: string | null | undefined): boolean {
  return !!text && (text.includes(scope.names.uuid) || text.includes(scope.id));
}

async function forget(scope: ClusterScope, resource: RecordedResource): Promise<void> {
  forgetResource(scope.status, resource);
  await scope.checkpoint();
}

export async function sweepCluster(scope: ClusterScope): Promise<void> {
  const recorded = () => [...resources(scope.status)];
  const wait = scope.taskWait;

  // VMs first: a running bootstrap would otherwise keep creating.
  for (const name of [scope.names.bootstrapVApp, scope.names.workloadVApp]) {
    for (const record of await findVAppsByName(scope.tenant, name))
      await deleteVApp(scope.tenant, hrefId(record.href), wait);
  }
  for (const resource of recorded().filter((r) => r.type === 'vApp')) {
    if (resource.id !== resource.name) await deleteVApp(scope.tenant, resource.id, wait);
    await forget(scope, resource);
  }

  const gatewayIds = new Set<string>(
    recorded()
      .filter((r) => r.type === 'virtualService' || r.type === 'loadBalancerPool')
      .map((r) => r.parentId ?? ''),
  );
  if (scope.gateway) gatewayIds.add(scope.gateway.id);
  gatewayIds.delete('');

  for (const gatewayId of gatewayIds) {
    for (const summary of await virtualServiceSummaries(scope.tenant, gatewayId)) {
      if (carriesCluster(scope, summary.name)) await deleteVirtualService(scope.tenant, summary.id, wait);
    }
  }
  for (const resource of recorded().filter((r) => r.type === 'virtualService')) {
    if (resource.id !== resource.name) await deleteVirtualService(scope.tenant, resource.id, wait);
    await forget(scope, resource);
  }
  for (const gatewayId of gatewayIds) {
    for (const summary of await poolSummaries(scope.tenant, gatewayId)) {
      if (carriesCluster(scope, summary.name)) await deletePool(scope.tenant, summary.id, wait);
    }
  }
  for (const resource of recorded().filter((r) => r.type === 'loadBalancerPool')) {
    if (resource.id !== resource.name) await deletePool(scope.tenant, resource.id, wait);
    await forget(scope, resource);
  }

  // IP allocations tagged with one of our claim markers, wherever they are.
  const spaces = new Set(
    recorded()
      .filter((r) => r.type === 'ipSpaceAllocation')
      .map((r) => r.parentId ?? ''),
  );
  if (scope.gateway && usesIpSpaces(scope.gateway)) {
    for (const suggestion of await floatingIpSuggestions(scope.tenant, scope.gateway.id))
      spaces.add(suggestion.ipSpaceRef.id);
  }
  spaces.delete('');
  for (const ipSpaceId of spaces) {
    for (const allocation of await listAllocations(scope.tenant, ipSpaceId)) {
      if (carriesCluster(scope, allocation.description))
        await releaseAllocation(scope.tenant, ipSpaceId, allocation.id, wait);
    }
  }
  for (const resource of recorded().filter((r) => r.type === 'ipSpaceAllocation' || r.type === 'uplinkIp')) {
    if (resource.type === 'ipSpaceAllocation' && resource.id !== resource.name && resource.parentId) {
      await releaseAllocation(scope.tenant, resource.parentId, resource.id, wait);
    } else if (resource.type === 'ipSpaceAllocation' && resource.task && resource.parentId) {
      // Allocated but never tagged: the task says which IP it was.
      const allocation = await allocationFromTask(scope.tenant, resource.parentId, resource.task, wait).catch(
        () => undefined,
      );
      if (allocation) await releaseAllocation(scope.tenant, resource.parentId, allocation.id, wait);
    } else if (mayHaveOrphan(resource)) {
      // Started but never recorded: the allocation that appeared untagged since the intent.
      const orphan = await findOrphanedAllocation(scope, resource);
      if (orphan) await releaseAllocation(scope.tenant, resource.parentId, orphan.id, wait);
    }
    await forget(scope, resource);
  }
  // Anything else recorded (types a newer worker added) is forgotten only once handled; keep it visible.
}
