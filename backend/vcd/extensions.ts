/**
 * API extensions: the legacy AMQP extension service (`/api/admin/extension/service`, VCD's JSON form of
 * `vmext:Service`) with its API filters and service rights, and the cloudapi MQTT extension
 * (`/cloudapi/extensions/api`) with its `/cloudapi/1.0.0/apiFilters`.
 */
import type { VcdClient } from './client.ts';
import { listAll } from './paging.ts';

const LEGACY = '/api/admin/extension/service';
const SERVICE_TYPE = 'application/vnd.vmware.admin.service+json';
const RIGHT_TYPE = 'application/vnd.vmware.admin.right+json';
const FILTER_TYPE = 'application/vnd.vmware.admin.apiFilter+json';
const CLOUDAPI = '/cloudapi/extensions/api';
const FILTERS = '/cloudapi/1.0.0/apiFilters';
const enc = encodeURIComponent;

export interface LegacyService {
  id?: string;
  href?: string;
  name: string;
  namespace: string;
  description?: string | null;
  enabled: boolean;
  authorizationEnabled: boolean;
  routingKey: string;
  exchange: string;
  priority?: number;
  apiFilters?: { apiFilter: { id?: string; href?: string; urlPattern: string }[] } | null;
}

export interface ServiceRight {
  id: string;
  name: string;
  description?: string;
}

/** The uuid at the end of `/api/admin/extension/service/<uuid>` (href or Link). */
export function legacyServiceUuid(hrefOrLink: string): string | undefined {
  return /\/api\/admin\/extension\/service\/([0-9a-fA-F-]{36})/.exec(hrefOrLink)?.[1];
}

/**
 * The AMQP extension service with this name and namespace. VCD also lists MQTT extensions here (they have no
 * exchange or routing key); those are left out.
 */
export async function findLegacyService(
  client: VcdClient,
  name: string,
  namespace: string,
): Promise<{ uuid: string; service: LegacyService } | undefined> {
  const list = await client.get<{ reference?: { href: string; name?: string }[] }>(LEGACY);
  for (const reference of list.body?.reference ?? []) {
    if (reference.name !== undefined && reference.name !== name) continue;
    const uuid = legacyServiceUuid(reference.href);
    if (!uuid) continue;
    const service = await getLegacyService(client, uuid);
    if (
      service &&
      service.name === name &&
      service.namespace === namespace &&
      service.exchange &&
      service.routingKey
    ) {
      return { uuid, service };
    }
  }
  return undefined;
}

export async function getLegacyService(client: VcdClient, uuid: string): Promise<LegacyService | undefined> {
  const response = await client.get<LegacyService>(`${LEGACY}/${enc(uuid)}`, { allowStatus: [404] });
  return response.status === 404 ? undefined : response.body;
}

export async function createLegacyService(
  client: VcdClient,
  service: LegacyService,
): Promise<{ uuid: string; service: LegacyService }> {
  const response = await client.request<LegacyService>({
    method: 'POST',
    path: LEGACY,
    body: service,
    contentType: SERVICE_TYPE,
  });
  const uuid = legacyServiceUuid(response.body.href ?? response.location ?? '');
  if (!uuid) throw new Error('VCD created the extension service without telling its href');
  return { uuid, service: response.body };
}

export async function updateLegacyService(
  client: VcdClient,
  uuid: string,
  service: LegacyService,
): Promise<LegacyService> {
  const response = await client.request<LegacyService>({
    method: 'PUT',
    path: `${LEGACY}/${enc(uuid)}`,
    body: service,
    contentType: SERVICE_TYPE,
  });
  return response.body;
}

export async function deleteLegacyService(client: VcdClient, uuid: string): Promise<void> {
  await client.delete(`${LEGACY}/${enc(uuid)}`, { allowStatus: [404] });
}

export async function addLegacyApiFilter(client: VcdClient, uuid: string, urlPattern: string): Promise<void> {
  await client.request({
    method: 'POST',
    path: `${LEGACY}/${enc(uuid)}/apifilters`,
    body: { urlPattern },
    contentType: FILTER_TYPE,
  });
}

export async function listServiceRights(client: VcdClient, uuid: string): Promise<ServiceRight[]> {
  const response = await client.get<{ right?: ServiceRight[] }>(`${LEGACY}/${enc(uuid)}/rights`);
  return response.body?.right ?? [];
}

/** Creates a right on the service; VCD names it `{<namespace>}:<name>`. */
export async function addServiceRight(
  client: VcdClient,
  uuid: string,
  right: { name: string; description: string; category?: string; bundleKey?: string },
): Promise<ServiceRight> {
  const response = await client.request<ServiceRight>({
    method: 'POST',
    path: `${LEGACY}/${enc(uuid)}/rights`,
    body: right,
    contentType: RIGHT_TYPE,
  });
  return response.body;
}

// cloudapi (MQTT) extensions ------------------------------------------------------------------------------------

export interface ApiExtension {
  id?: string;
  name: string;
  vendor: string;
  version: string;
  priority: number;
  enabled: boolean;
  authorizationEnabled: boolean;
  description?: string | null;
  mqttTopics?: { monitor: string; respond: string };
}

export interface ApiFilter {
  id?: string;
  externalSystem: { id: string; name?: string | null } | null;
  urlMatcher: { urlPattern: string; urlScope: string };
}

export function apiExtensionId(identity: { vendor: string; name: string; version: string }): string {
  return `urn:vcloud:extension-api:${identity.vendor}:${identity.name}:${identity.version}`;
}

/** The extension and the uuid of its legacy service (from the `Link` header), where rights are added. */
export async function getApiExtension(
  client: VcdClient,
  id: string,
): Promise<{ extension: ApiExtension; legacyUuid?: string } | undefined> {
  const response = await client.get<ApiExtension>(`${CLOUDAPI}/${enc(id)}`, { allowStatus: [404] });
  if (response.status === 404) return undefined;
  return { extension: response.body, legacyUuid: legacyServiceUuid(response.headers.get('link') ?? '') };
}

export async function createApiExtension(
  client: VcdClient,
  extension: ApiExtension,
): Promise<{ extension: ApiExtension; legacyUuid?: string }> {
  const response = await client.post<ApiExtension>(CLOUDAPI, extension);
  return { extension: response.body, legacyUuid: legacyServiceUuid(response.headers.get('link') ?? '') };
}

export async function updateApiExtension(
  client: VcdClient,
  id: string,
  extension: ApiExtension,
): Promise<void> {
  await client.put(`${CLOUDAPI}/${enc(id)}`, extension);
}

export async function deleteApiExtension(client: VcdClient, id: string): Promise<void> {
  await client.delete(`${CLOUDAPI}/${enc(id)}`, { allowStatus: [404] });
}

export async function listApiFilters(client: VcdClient, extensionId: string): Promise<ApiFilter[]> {
  const all = await listAll<ApiFilter>(client, FILTERS);
  return all.filter((filter) => filter.externalSystem?.id === extensionId);
}

export async function createApiFilter(
  client: VcdClient,
  extensionId: string,
  urlPattern: string,
): Promise<void> {
  await client.post(FILTERS, {
    externalSystem: { id: extensionId },
    urlMatcher: { urlPattern, urlScope: 'API' },
  });
}

export async function deleteApiFilter(client: VcdClient, id: string): Promise<void> {
  await client.delete(`${FILTERS}/${enc(id)}`, { allowStatus: [404] });
}
