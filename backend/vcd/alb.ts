/**
 * NSX Advanced Load Balancer on an edge gateway, through VCD's cloudapi: service engine group assignments (the
 * per-gateway virtual-service quota), pools and virtual services (create answers 202 + task or 200/201), looked up
 * by name through the gateway's summaries. A pool can back one virtual service only.
 */
import type { VcdClient } from './client.ts';
import { eq } from './fiql.ts';
import { listAll } from './paging.ts';
import { settle, type TaskWaitOptions } from './tasks.ts';

const API = '/cloudapi/1.0.0';
const enc = encodeURIComponent;

export interface Ref {
  id: string;
  name?: string;
}

export interface SegAssignment {
  id: string;
  gatewayRef: Ref;
  serviceEngineGroupRef: Ref;
  maxVirtualServices?: number | null;
  numDeployedVirtualServices?: number | null;
}

export interface PoolMember {
  ipAddress: string;
  port?: number | null;
  ratio?: number;
  enabled?: boolean;
  healthStatus?: string;
}

export interface AlbPool {
  id?: string;
  name: string;
  description?: string;
  gatewayRef: Ref;
  enabled: boolean;
  algorithm?: string;
  defaultPort?: number;
  gracefulTimeoutPeriod?: number;
  healthMonitors?: Array<{ type: string }>;
  members?: PoolMember[];
}

export interface AlbVirtualService {
  id?: string;
  name: string;
  description?: string;
  enabled: boolean;
  applicationProfile: { type: 'HTTP' | 'HTTPS' | 'L4' | 'L4_TLS'; systemDefined: boolean; name?: string };
  gatewayRef: Ref;
  loadBalancerPoolRef: Ref;
  serviceEngineGroupRef: Ref;
  servicePorts: Array<{
    portStart: number;
    portEnd?: number;
    sslEnabled?: boolean;
    tcpUdpProfile?: { type: string; systemDefined: boolean };
  }>;
  virtualIpAddress: string;
  healthStatus?: string;
  detailedHealthMessage?: string;
}

export interface AlbSummary {
  id: string;
  name: string;
  status?: string;
  healthStatus?: string;
  virtualIpAddress?: string;
}

export function segAssignments(client: VcdClient, gatewayId: string): Promise<SegAssignment[]> {
  return listAll<SegAssignment>(client, `${API}/loadBalancer/serviceEngineGroups/assignments`, {
    filter: eq('gatewayRef.id', gatewayId),
  });
}

/** The first assignment with room for `needed` more virtual services (CPI's rule), or undefined. */
export function segWithCapacity(assignments: SegAssignment[], needed = 1): SegAssignment | undefined {
  return assignments.find(
    (assignment) =>
      assignment.maxVirtualServices === null ||
      assignment.maxVirtualServices === undefined ||
      (assignment.numDeployedVirtualServices ?? 0) + needed <= assignment.maxVirtualServices,
  );
}

export function poolSummaries(client: VcdClient, gatewayId: string, name?: string): Promise<AlbSummary[]> {
  return listAll<AlbSummary>(client, `${API}/edgeGateways/${enc(gatewayId)}/loadBalancer/poolSummaries`, {
    filter: name === undefined ? undefined : eq('name', name),
  });
}

export function virtualServiceSummaries(
  client: VcdClient,
  gatewayId: string,
  name?: string,
): Promise<AlbSummary[]> {
  return listAll<AlbSummary>(
    client,
    `${API}/edgeGateways/${enc(gatewayId)}/loadBalancer/virtualServiceSummaries`,
    { filter: name === undefined ? undefined : eq('name', name) },
  );
}

export async function findPool(
  client: VcdClient,
  gatewayId: string,
  name: string,
): Promise<AlbSummary | undefined> {
  return (await poolSummaries(client, gatewayId, name)).find((pool) => pool.name === name);
}

export async function findVirtualService(
  client: VcdClient,
  gatewayId: string,
  name: string,
): Promise<AlbSummary | undefined> {
  return (await virtualServiceSummaries(client, gatewayId, name)).find((service) => service.name === name);
}

async function createAndFind(
  client: VcdClient,
  path: string,
  body: { name: string },
  find: () => Promise<AlbSummary | undefined>,
  wait?: TaskWaitOptions,
): Promise<string> {
  const response = await client.post<{ id?: string }>(path, body);
  const { task, body: created } = await settle(client, response, wait);
  const id = task?.owner?.id ?? created?.id ?? (await find())?.id;
  if (!id) throw new Error(`VCD created ${body.name} without telling its id`);
  return id;
}

export function createPool(client: VcdClient, pool: AlbPool, wait?: TaskWaitOptions): Promise<string> {
  return createAndFind(
    client,
    `${API}/loadBalancer/pools`,
    pool,
    () => findPool(client, pool.gatewayRef.id, pool.name),
    wait,
  );
}

export async function getPool(
  client: VcdClient,
  id: string,
): Promise<(AlbPool & { id: string }) | undefined> {
  const response = await client.get<AlbPool & { id: string }>(`${API}/loadBalancer/pools/${enc(id)}`, {
    allowStatus: [404],
  });
  return response.status === 404 ? undefined : response.body;
}

export async function updatePool(
  client: VcdClient,
  pool: AlbPool & { id: string },
  wait?: TaskWaitOptions,
): Promise<void> {
  const response = await client.put(`${API}/loadBalancer/pools/${enc(pool.id)}`, pool);
  await settle(client, response, wait);
}

export function createVirtualService(
  client: VcdClient,
  service: AlbVirtualService,
  wait?: TaskWaitOptions,
): Promise<string> {
  return createAndFind(
    client,
    `${API}/loadBalancer/virtualServices`,
    service,
    () => findVirtualService(client, service.gatewayRef.id, service.name),
    wait,
  );
}

export async function getVirtualService(
  client: VcdClient,
  id: string,
): Promise<(AlbVirtualService & { id: string }) | undefined> {
  const response = await client.get<AlbVirtualService & { id: string }>(
    `${API}/loadBalancer/virtualServices/${enc(id)}`,
    { allowStatus: [404] },
  );
  return response.status === 404 ? undefined : response.body;
}

/** Deletes a virtual service; absent is fine. */
export async function deleteVirtualService(
  client: VcdClient,
  id: string,
  wait?: TaskWaitOptions,
): Promise<void> {
  const response = await client.delete(`${API}/loadBalancer/virtualServices/${enc(id)}`, {
    allowStatus: [404],
  });
  if (response.status !== 404) await settle(client, response, wait);
}

/** Deletes a pool; absent is fine. */
export async function deletePool(client: VcdClient, id: string, wait?: TaskWaitOptions): Promise<void> {
  const response = await client.delete(`${API}/loadBalancer/pools/${enc(id)}`, { allowStatus: [404] });
  if (response.status !== 404) await settle(client, response, wait);
}
