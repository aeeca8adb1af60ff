/**
 * IP spaces (VCD 10.4.1+): floating-IP suggestions for a gateway, allocation (always a task whose result lists the
 * allocated values), allocations found by value or by description (our claim marker), update and release.
 */
import type { VcdClient } from './client.ts';
import { VcdError } from './errors.ts';
import { and, eq } from './fiql.ts';
import { listAll } from './paging.ts';
import { waitForTask, type TaskWaitOptions } from './tasks.ts';

const API = '/cloudapi/1.0.0';
const enc = encodeURIComponent;

export interface IpSpaceSuggestion {
  ipSpaceRef: { id: string; name?: string };
  unusedValues?: string[];
}

export interface IpSpaceAllocation {
  id: string;
  type: 'FLOATING_IP' | 'IP_PREFIX';
  value: string;
  description?: string | null;
  usageState?: 'UNUSED' | 'USED' | 'USED_MANUAL';
  orgRef?: { id: string; name?: string };
}

export async function floatingIpSuggestions(
  client: VcdClient,
  gatewayId: string,
): Promise<IpSpaceSuggestion[]> {
  const values = await listAll<IpSpaceSuggestion>(client, `${API}/ipSpaces/floatingIpSuggestions`, {
    filter: and(eq('gatewayId', gatewayId), eq('ipType', 'IPV4')),
  });
  return values.sort((a, b) => (a.ipSpaceRef.name ?? '').localeCompare(b.ipSpaceRef.name ?? ''));
}

export function listAllocations(client: VcdClient, ipSpaceId: string): Promise<IpSpaceAllocation[]> {
  return listAll<IpSpaceAllocation>(client, `${API}/ipSpaces/${enc(ipSpaceId)}/allocations`, {
    filter: eq('type', 'FLOATING_IP'),
  });
}

/** Starts allocating one floating IP (always a task); answers the task's location, to record before waiting. */
export async function startFloatingIpAllocation(client: VcdClient, ipSpaceId: string): Promise<string> {
  const response = await client.post(
    `${API}/ipSpaces/${enc(ipSpaceId)}/allocate`,
    { type: 'FLOATING_IP', quantity: 1 },
    { retry: 'never' },
  );
  if (!response.location) {
    throw new VcdError(502, 'NO_TASK', 'VCD answered an IP space allocation without a task');
  }
  return response.location;
}

/**
 * The allocations an allocate task reports: go-vcloud-director reads a JSON array `[{id, value, suggestedValue}]`
 * from the XML task's `ResultContent` text (`govcd/ip_space_allocation.go` `allocateIpSpaceIp`). In the JSON task
 * that text may come as a string or already as the array; anything else reports nothing.
 */
export function allocatedValues(content: unknown): Array<{ id?: string; value?: string }> {
  let parsed = content;
  if (typeof content === 'string') {
    try {
      parsed = JSON.parse(content);
    } catch {
      return [];
    }
  }
  return Array.isArray(parsed) ? parsed.filter((entry) => typeof entry === 'object' && entry !== null) : [];
}

/** Waits for an allocation task and answers the allocation it made (read back by value). */
export async function allocationFromTask(
  client: VcdClient,
  ipSpaceId: string,
  location: string,
  wait?: TaskWaitOptions,
): Promise<IpSpaceAllocation> {
  const task = await waitForTask(client, location, wait);
  const first = allocatedValues(task.result?.resultContent)[0];
  if (!first?.value) throw new VcdError(502, 'NO_ALLOCATION', 'the IP space allocation task returned no IP');
  const found = (await listAllocations(client, ipSpaceId)).find(
    (allocation) => allocation.value === first.value,
  );
  if (!found) throw new VcdError(502, 'NO_ALLOCATION', `allocated IP ${first.value} cannot be read back`);
  return found;
}

export async function updateAllocation(
  client: VcdClient,
  ipSpaceId: string,
  allocation: IpSpaceAllocation,
  change: Pick<IpSpaceAllocation, 'usageState' | 'description'>,
  wait?: TaskWaitOptions,
): Promise<void> {
  const response = await client.put(`${API}/ipSpaces/${enc(ipSpaceId)}/allocations/${enc(allocation.id)}`, {
    ...allocation,
    ...change,
  });
  if (response.status === 202 && response.location) await waitForTask(client, response.location, wait);
}

export async function releaseAllocation(
  client: VcdClient,
  ipSpaceId: string,
  allocationId: string,
  wait?: TaskWaitOptions,
): Promise<void> {
  const response = await client.delete(`${API}/ipSpaces/${enc(ipSpaceId)}/allocations/${enc(allocationId)}`, {
    allowStatus: [404],
  });
  if (response.status === 202 && response.location) await waitForTask(client, response.location, wait);
}
