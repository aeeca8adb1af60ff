/**
 * Runtime Defined Entities: interfaces, entity types, behaviours and their access rules (what `cse install`
 * registers), and entities (our clusters). Paths and bodies are VCD's cloudapi 1.0.0 ones.
 */
import type { VcdClient, VcdResponse } from './client.ts';
import type { Fiql } from './fiql.ts';
import { getPage, listAll, type VcdPage } from './paging.ts';
import { settle, type TaskWaitOptions } from './tasks.ts';

const API = '/cloudapi/1.0.0';

export interface EntityRef {
  id: string;
  name?: string;
}

export interface RdeInterface {
  id?: string;
  name: string;
  vendor: string;
  nss: string;
  version: string;
  readonly?: boolean;
}

export interface RdeEntityType {
  id?: string;
  name: string;
  vendor: string;
  nss: string;
  version: string;
  description?: string;
  interfaces: string[];
  hooks?: Record<string, string>;
  schema: Record<string, unknown>;
}

export interface RdeBehavior {
  id?: string;
  ref?: string;
  name: string;
  description?: string;
  execution: { type: string; id?: string; execution_properties?: Record<string, unknown> };
}

export interface RdeBehaviorAccess {
  behaviorId: string;
  accessLevelId: string;
}

export interface RdeEntity<E = Record<string, unknown>> {
  id: string;
  entityType: string;
  name: string;
  externalId?: string | null;
  entity: E;
  entityState?: 'PRE_CREATED' | 'RESOLVED' | 'RESOLUTION_ERROR' | 'IN_DELETION' | string;
  owner?: EntityRef;
  org?: EntityRef;
  creationDate?: string;
  lastModificationDate?: string;
}

const enc = encodeURIComponent;

/** GET that answers `undefined` for 404 (absence is an answer here, not an error). */
async function getOptional<T>(client: VcdClient, path: string): Promise<VcdResponse<T> | undefined> {
  const response = await client.get<T>(path, { allowStatus: [404] });
  return response.status === 404 ? undefined : response;
}

// Interfaces -------------------------------------------------------------------------------------------------

export async function getInterface(client: VcdClient, id: string): Promise<RdeInterface | undefined> {
  return (await getOptional<RdeInterface>(client, `${API}/interfaces/${enc(id)}`))?.body;
}

export async function createInterface(client: VcdClient, definition: RdeInterface): Promise<RdeInterface> {
  return (await client.post<RdeInterface>(`${API}/interfaces`, definition)).body;
}

export async function deleteInterface(client: VcdClient, id: string): Promise<void> {
  await client.delete(`${API}/interfaces/${enc(id)}`, { allowStatus: [404] });
}

// Behaviours -------------------------------------------------------------------------------------------------

export function listInterfaceBehaviors(client: VcdClient, interfaceId: string): Promise<RdeBehavior[]> {
  return listAll<RdeBehavior>(client, `${API}/interfaces/${enc(interfaceId)}/behaviors`);
}

export async function createInterfaceBehavior(
  client: VcdClient,
  interfaceId: string,
  behavior: RdeBehavior,
): Promise<RdeBehavior> {
  return (await client.post<RdeBehavior>(`${API}/interfaces/${enc(interfaceId)}/behaviors`, behavior)).body;
}

export async function updateInterfaceBehavior(
  client: VcdClient,
  interfaceId: string,
  behaviorId: string,
  behavior: RdeBehavior,
): Promise<RdeBehavior> {
  const path = `${API}/interfaces/${enc(interfaceId)}/behaviors/${enc(behaviorId)}`;
  return (await client.put<RdeBehavior>(path, behavior)).body;
}

export async function deleteInterfaceBehavior(
  client: VcdClient,
  interfaceId: string,
  behaviorId: string,
): Promise<void> {
  await client.delete(`${API}/interfaces/${enc(interfaceId)}/behaviors/${enc(behaviorId)}`, {
    allowStatus: [404],
  });
}

export function listBehaviorAccess(client: VcdClient, typeId: string): Promise<RdeBehaviorAccess[]> {
  return listAll<RdeBehaviorAccess>(client, `${API}/entityTypes/${enc(typeId)}/behaviorAccessControls`);
}

export async function addBehaviorAccess(
  client: VcdClient,
  typeId: string,
  access: RdeBehaviorAccess,
): Promise<void> {
  await client.post(`${API}/entityTypes/${enc(typeId)}/behaviorAccessControls`, access);
}

// Entity types -----------------------------------------------------------------------------------------------

export async function getEntityType(client: VcdClient, id: string): Promise<RdeEntityType | undefined> {
  return (await getOptional<RdeEntityType>(client, `${API}/entityTypes/${enc(id)}`))?.body;
}

export async function createEntityType(client: VcdClient, definition: RdeEntityType): Promise<RdeEntityType> {
  return (await client.post<RdeEntityType>(`${API}/entityTypes`, definition)).body;
}

export async function deleteEntityType(client: VcdClient, id: string): Promise<void> {
  await client.delete(`${API}/entityTypes/${enc(id)}`, { allowStatus: [404] });
}

// Entities ---------------------------------------------------------------------------------------------------

export interface EntityTypeKey {
  vendor: string;
  nss: string;
  version: string;
}

export interface EntityListQuery {
  page?: number;
  pageSize?: number;
  filter?: Fiql;
  sortAsc?: string;
  sortDesc?: string;
}

/** One page of the entities of a type the caller can see (VCD applies its ACLs and org scope). */
export function listEntities<E>(
  client: VcdClient,
  type: EntityTypeKey,
  query: EntityListQuery = {},
): Promise<VcdPage<RdeEntity<E>>> {
  return getPage<RdeEntity<E>>(
    client,
    `${API}/entities/types/${enc(type.vendor)}/${enc(type.nss)}/${enc(type.version)}`,
    query,
  );
}

/** The entity and its ETag, or `undefined` when VCD says it does not exist (or the caller may not see it). */
export async function getEntity<E>(
  client: VcdClient,
  id: string,
): Promise<{ entity: RdeEntity<E>; etag?: string } | undefined> {
  const response = await getOptional<RdeEntity<E>>(client, `${API}/entities/${enc(id)}`);
  return response && { entity: response.body, etag: response.etag };
}

/** Creates an entity (202 + task); answers the new entity's id (the task's owner). */
export async function createEntity<E>(
  client: VcdClient,
  typeId: string,
  body: { name: string; entity: E; externalId?: string },
  wait?: TaskWaitOptions,
): Promise<string> {
  const response = await client.post(`${API}/entityTypes/${enc(typeId)}`, body);
  const { task, body: created } = await settle(client, response, wait);
  const id = task?.owner?.id ?? (created as { id?: string } | undefined)?.id;
  if (!id) throw new Error(`VCD created an entity of ${typeId} without telling its id`);
  return id;
}

export async function deleteEntity(client: VcdClient, id: string, wait?: TaskWaitOptions): Promise<void> {
  const response = await client.delete(`${API}/entities/${enc(id)}`, { allowStatus: [404] });
  if (response.status !== 404) await settle(client, response, wait);
}
