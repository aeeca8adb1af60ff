/**
 * API version negotiation: the newest version both VCD (`GET /api/versions`) and the worker speak. The worker is
 * written against API 36.0 (VCD 10.3) up to 38.1 (VCD 10.5.1/10.6): ETags on RDEs need 36.0.
 */
import type { VcdClient } from './client.ts';
import { VcdError } from './errors.ts';

/** Versions the worker speaks, newest first. */
export const workerApiVersions = [
  '38.1',
  '38.0',
  '37.3',
  '37.2',
  '37.1',
  '37.0',
  '36.3',
  '36.2',
  '36.1',
  '36.0',
];

interface VersionsDocument {
  versionInfo?: { version?: unknown; deprecated?: unknown }[];
}

export function pickApiVersion(offered: string[]): string | undefined {
  const offeredSet = new Set(offered);
  return workerApiVersions.find((version) => offeredSet.has(version));
}

export async function negotiateApiVersion(client: VcdClient): Promise<string> {
  const response = await client.get<VersionsDocument>('/api/versions', { anonymous: true });
  const offered = (response.body?.versionInfo ?? [])
    .map((info) => info.version)
    .filter((version): version is string => typeof version === 'string');
  const chosen = pickApiVersion(offered);
  if (!chosen) {
    throw new VcdError(
      406,
      'NO_COMMON_API_VERSION',
      `VCD at ${client.url} offers API versions ${offered.join(', ') || '(none)'}; the worker needs one of ${workerApiVersions.join(', ')}`,
      'GET /api/versions',
    );
  }
  return chosen;
}
