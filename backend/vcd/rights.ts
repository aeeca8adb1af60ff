/**
 * Rights, rights bundles and global roles (cloudapi 1.0.0): look rights up by name, create a bundle or a global
 * role, set its rights, publish it. Bundles and global roles share one shape, so one set of functions serves both.
 */
import type { VcdClient } from './client.ts';
import { eq } from './fiql.ts';
import { listAll } from './paging.ts';

const API = '/cloudapi/1.0.0';
const enc = encodeURIComponent;

export interface VcdRight {
  id: string;
  name: string;
  description?: string;
  category?: string;
  bundleKey?: string;
  serviceNamespace?: string;
}

/** A rights bundle or a global role. */
export interface RightsContainer {
  id?: string;
  name: string;
  description: string;
  bundleKey?: string;
  readOnly?: boolean;
  publishAll?: boolean;
}

/** `roles` are an org's own roles (the org is the client's tenant context). */
export type ContainerKind = 'rightsBundles' | 'globalRoles' | 'roles';

export async function findRight(client: VcdClient, name: string): Promise<VcdRight | undefined> {
  const found = await listAll<VcdRight>(client, `${API}/rights`, { filter: eq('name', name) });
  return found.find((right) => right.name === name);
}

/** Rights by name; names VCD does not know are left out of the map. */
export async function findRights(
  client: VcdClient,
  names: readonly string[],
): Promise<Map<string, VcdRight>> {
  const wanted = new Set(names);
  const found = new Map<string, VcdRight>();
  // One listing is cheaper than one filtered call per name when the set is large.
  if (names.length > 8) {
    for (const right of await listAll<VcdRight>(client, `${API}/rights`)) {
      if (wanted.has(right.name)) found.set(right.name, right);
    }
    return found;
  }
  for (const name of names) {
    const right = await findRight(client, name);
    if (right) found.set(name, right);
  }
  return found;
}

export async function findContainer(
  client: VcdClient,
  kind: ContainerKind,
  name: string,
): Promise<RightsContainer | undefined> {
  const found = await listAll<RightsContainer>(client, `${API}/${kind}`, { filter: eq('name', name) });
  return found.find((container) => container.name === name);
}

export async function createContainer(
  client: VcdClient,
  kind: ContainerKind,
  container: RightsContainer,
): Promise<RightsContainer> {
  return (await client.post<RightsContainer>(`${API}/${kind}`, container)).body;
}

export async function deleteContainer(client: VcdClient, kind: ContainerKind, id: string): Promise<void> {
  await client.delete(`${API}/${kind}/${enc(id)}`, { allowStatus: [404] });
}

export async function containerRights(
  client: VcdClient,
  kind: ContainerKind,
  id: string,
): Promise<VcdRight[]> {
  return listAll<VcdRight>(client, `${API}/${kind}/${enc(id)}/rights`);
}

/** Replaces the rights of a bundle or global role. */
export async function setContainerRights(
  client: VcdClient,
  kind: ContainerKind,
  id: string,
  rights: readonly { id: string; name?: string }[],
): Promise<void> {
  await client.put(`${API}/${kind}/${enc(id)}/rights`, {
    values: rights.map((right) => ({ id: right.id, name: right.name })),
  });
}

export async function publishContainerToAll(
  client: VcdClient,
  kind: ContainerKind,
  id: string,
): Promise<void> {
  await client.post(`${API}/${kind}/${enc(id)}/tenants/publishAll`);
}
