import { defineSlice } from '../../world/slices.ts';
import { uuidOf } from '../../world/ids.ts';
import type { World } from '../../world/world.ts';

/** A registered UI plugin (VCD's UiPluginMetadata plus its uploaded resource and tenants). */
export interface UiPlugin {
  /** `urn:vcloud:uiPlugin:<uuid>` */
  id: string;
  pluginName: string;
  vendor: string;
  description: string;
  version: string;
  license: string;
  link: string;
  tenant_scoped: boolean;
  provider_scoped: boolean;
  enabled: boolean;
  /** The uploaded zip's id: files are served under `uiPlugins/<plugin uuid>/<resource uuid>/`. */
  resourceUuid: string | null;
  /** The uploaded zip, base64 (kept in the world so the state file carries it). */
  zipBase64: string | null;
  publishAll: boolean;
  tenantIds: string[];
}

/** An upload started with `POST /{id}/plugin`, waiting for the `PUT` to its transfer URL. */
export interface PluginTransfer {
  id: string;
  pluginId: string;
  fileName: string;
  size: number;
  checksum: string | null;
  checksumAlgo: 'sha1' | 'sha256' | null;
}

export interface UiPluginsState {
  plugins: Record<string, UiPlugin>;
  transfers: Record<string, PluginTransfer>;
}

export const uiPluginsSlice = defineSlice<UiPluginsState>('uiPlugins', () => ({
  plugins: {},
  transfers: {},
}));

export function findPlugin(world: World, id: string): UiPlugin | undefined {
  const uuid = uuidOf(id);
  return uuid ? uiPluginsSlice.of(world).plugins[uuid] : undefined;
}

/** Relative to the portal root (`/tenant/<org>` or `/provider`), as VCD gives it. */
export function resourcePath(plugin: UiPlugin): string | null {
  return plugin.resourceUuid ? `uiPlugins/${uuidOf(plugin.id)}/${plugin.resourceUuid}` : null;
}

export function isPublishedTo(plugin: UiPlugin, orgId: string): boolean {
  return plugin.tenant_scoped && (plugin.publishAll || plugin.tenantIds.includes(orgId));
}
