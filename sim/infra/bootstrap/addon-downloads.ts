import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { SimulatorOptions } from '../../options.ts';
import { ManifestError, parseManifestObjects, type ManifestObject } from '../capvcd/manifest.ts';
import type { BootstrapGuestConfig } from './cloud-config.ts';
import { unreachable } from './guest-network.ts';

/**
 * The `addons-applied` phase on the guest (docs/cluster-spec.md §4): the cluster's add-on configuration file
 * (`files.addonConfig`: the `vcloud-basic-auth` Secret and the CPI/CSI ConfigMaps), then each add-on of
 * `settings.addons` downloaded the way the helper's `fetch-addon` does (really fetched over HTTP, as the guest
 * must apply its objects; a public host on an air-gapped site fails like the download would) and refused unless
 * its sha256 is the configured one, with the helper's messages.
 */
const addonSchema = z
  .object({
    name: z.string().min(1),
    url: z.string().min(1),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    rollout: z.object({ kind: z.string().min(1), name: z.string().min(1), namespace: z.string().min(1) }),
  })
  .passthrough();

export type GuestAddon = z.infer<typeof addonSchema>;

export class AddonDownloadError extends Error {
  override readonly name = 'AddonDownloadError';
}

/** The add-ons the settings list; a malformed list is the helper's own failure. */
export function guestAddons(guest: BootstrapGuestConfig): GuestAddon[] {
  const parsed = z.array(addonSchema).safeParse((guest.settings as Record<string, unknown>)['addons'] ?? []);
  if (!parsed.success) throw new AddonDownloadError('cse-bootstrap: the settings list malformed add-ons');
  return parsed.data;
}

/** The objects of the add-on configuration file, when the guest has one. */
export function addonConfigObjects(guest: BootstrapGuestConfig): ManifestObject[] {
  const path = guest.settings.files['addonConfig'];
  const text = typeof path === 'string' ? guest.files.get(path) : undefined;
  if (text === undefined) return [];
  try {
    return parseManifestObjects(text);
  } catch (error) {
    throw new AddonDownloadError(`kubectl apply -f ${String(path)}: ${(error as Error).message}`);
  }
}

/** Downloads one add-on's manifest and checks it: its objects, or `AddonDownloadError` with the helper's message. */
export async function downloadAddon(
  options: Pick<SimulatorOptions, 'airGapped'>,
  addon: GuestAddon,
  signal: AbortSignal,
): Promise<ManifestObject[]> {
  const problem = unreachable(options, addon.url);
  if (problem)
    throw new AddonDownloadError(`cannot download the ${addon.name} manifest from ${addon.url}: ${problem}`);
  let body: Buffer;
  try {
    const response = await fetch(addon.url, {
      signal: AbortSignal.any([signal, AbortSignal.timeout(30_000)]),
    });
    if (!response.ok) throw new Error(`HTTP Error ${response.status}: ${response.statusText}`);
    body = Buffer.from(await response.arrayBuffer());
  } catch (error) {
    if (signal.aborted) throw error;
    throw new AddonDownloadError(
      `cannot download the ${addon.name} manifest from ${addon.url}: ${(error as Error).message}`,
    );
  }
  const digest = createHash('sha256').update(body).digest('hex');
  if (digest !== addon.sha256)
    throw new AddonDownloadError(
      `the ${addon.name} manifest from ${addon.url} has sha256 ${digest}, not the configured ${addon.sha256}; refusing to apply it`,
    );
  try {
    return parseManifestObjects(body.toString('utf8'));
  } catch (error) {
    if (error instanceof ManifestError)
      throw new AddonDownloadError(`kubectl apply -f ${addon.name}: ${error.message}`);
    throw error;
  }
}
