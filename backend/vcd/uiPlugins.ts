/**
 * UI plugins (`/cloudapi/extensions/ui`): register the metadata, upload the zip through the transfer URL VCD gives
 * in the `Link` header, publish to tenants, enable; and remove.
 */
import { createHash } from 'node:crypto';
import type { VcdClient } from './client.ts';

const BASE = '/cloudapi/extensions/ui';
const enc = encodeURIComponent;

export interface UiPluginMetadata {
  id?: string;
  pluginName: string;
  vendor: string;
  description?: string;
  version: string;
  license: string;
  link: string;
  tenant_scoped: boolean;
  provider_scoped: boolean;
  enabled: boolean;
  plugin_status?: string;
  resourcePath?: string | null;
}

export async function listUiPlugins(client: VcdClient): Promise<UiPluginMetadata[]> {
  const response = await client.get<UiPluginMetadata[] | { values?: UiPluginMetadata[] }>(BASE);
  const body = response.body;
  return Array.isArray(body) ? body : (body?.values ?? []);
}

export async function createUiPlugin(
  client: VcdClient,
  metadata: UiPluginMetadata,
): Promise<UiPluginMetadata> {
  return (await client.post<UiPluginMetadata>(BASE, metadata)).body;
}

export async function updateUiPlugin(
  client: VcdClient,
  id: string,
  metadata: UiPluginMetadata,
): Promise<UiPluginMetadata> {
  return (await client.put<UiPluginMetadata>(`${BASE}/${enc(id)}`, metadata)).body;
}

export async function deleteUiPlugin(client: VcdClient, id: string): Promise<void> {
  await client.delete(`${BASE}/${enc(id)}/plugin`, { allowStatus: [404] });
  await client.delete(`${BASE}/${enc(id)}`, { allowStatus: [404] });
}

/** Announces the zip (size and sha256), then PUTs it to the transfer URL from the `Link` header. */
export async function uploadUiPlugin(
  client: VcdClient,
  id: string,
  zip: Buffer,
  fileName = 'plugin.zip',
): Promise<void> {
  const announced = await client.post(`${BASE}/${enc(id)}/plugin`, {
    fileName,
    size: zip.length,
    checksum: createHash('sha256').update(zip).digest('hex'),
    checksumAlgo: 'sha256',
  });
  const link = announced.headers.get('link') ?? '';
  const transfer = /<([^>]+)>/.exec(link)?.[1];
  if (!transfer) throw new Error('VCD gave no transfer URL for the UI plugin upload');
  await client.request({
    method: 'PUT',
    path: transfer,
    rawBody: zip,
    contentType: 'application/zip',
    retry: 'never',
  });
}

export async function publishUiPluginToAll(client: VcdClient, id: string): Promise<void> {
  await client.post(`${BASE}/${enc(id)}/tenants/publishAll`);
}
