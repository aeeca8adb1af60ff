/**
 * API version negotiation: the newest version both VCD (`GET /api/versions`) and the worker speak. The worker is
 * written against API 36.0 (VCD 10.3) up to 38.1 (VCD 10.5.1/10.6): ETags on RDEs need 36.0.
 */
import { XMLParser } from 'fast-xml-parser';
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

const versionsXml = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: true,
  parseTagValue: false,
  isArray: (name) => name === 'VersionInfo',
});

/**
 * The versions `GET /api/versions` offers, in either form a VCD may answer: XML `SupportedVersions` with
 * `VersionInfo/Version` elements (what go-vcloud-director reads, govcd/api_vcd_versions.go) or the JSON form of the
 * same type, `{versionInfo: [{version}]}` (@vcd/bindings `SupportedVersionsType`).
 */
export function offeredApiVersions(body: unknown): string[] {
  let infos: unknown;
  if (typeof body === 'string') {
    try {
      const parsed = versionsXml.parse(body) as {
        SupportedVersions?: { VersionInfo?: { Version?: unknown }[] };
      };
      infos = parsed.SupportedVersions?.VersionInfo?.map((info) => ({ version: info.Version }));
    } catch {
      infos = undefined;
    }
  } else if (typeof body === 'object' && body !== null) {
    infos = (body as { versionInfo?: unknown }).versionInfo;
  }
  if (!Array.isArray(infos)) return [];
  return infos
    .map((info: unknown) =>
      typeof info === 'object' && info !== null ? (info as { version?: unknown }).version : undefined,
    )
    .map((version) => (typeof version === 'string' ? version.trim() : version))
    .filter((version): version is string => typeof version === 'string' && version !== '');
}

export function pickApiVersion(offered: string[]): string | undefined {
  const offeredSet = new Set(offered);
  return workerApiVersions.find((version) => offeredSet.has(version));
}

export async function negotiateApiVersion(client: VcdClient): Promise<string> {
  const response = await client.get<unknown>('/api/versions', { anonymous: true });
  const offered = offeredApiVersions(response.body);
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
