import { errorMessage, type PortalSession } from '../session/portal-session';

/** One entry of `GET /cloudapi/extensions/ui` (VCD's UiPluginMetadataResponse). */
interface UiPluginMetadata {
  id: string;
  pluginName: string;
  enabled: boolean;
  plugin_status?: string;
  tenant_scoped?: boolean;
  provider_scoped?: boolean;
  resourcePath?: string;
}

interface ManifestExtensionPoint {
  urn: string;
  type: string;
  name: string;
  module?: string;
  route?: string;
}

interface PluginManifest {
  name: string;
  route?: string;
  module?: string;
  extensionPoints?: ManifestExtensionPoint[];
  locales?: Record<string, Record<string, string>>;
}

/** A `navigation:primary` module the portal mounts and lists in its navigation. */
export interface MountablePlugin {
  pluginId: string;
  label: string;
  route: string;
  moduleName: string;
  baseUrl: string;
}

/** Finds the enabled plugins published to this session and the primary-navigation modules they offer. */
export async function mountablePlugins(session: PortalSession): Promise<MountablePlugin[]> {
  const response = await fetch('/cloudapi/extensions/ui', {
    headers: { Accept: 'application/json', Authorization: `Bearer ${session.token}` },
  });
  if (!response.ok) throw new Error(await errorMessage(response, 'Could not list UI plugins'));
  const plugins = (await response.json()) as UiPluginMetadata[];
  const inScope = plugins.filter(
    (plugin) =>
      plugin.enabled &&
      plugin.resourcePath &&
      (plugin.plugin_status ?? 'ready') === 'ready' &&
      (session.location.scope === 'tenant' ? plugin.tenant_scoped : plugin.provider_scoped),
  );
  const manifests = await Promise.all(inScope.map((plugin) => loadManifest(session, plugin)));
  return manifests.flat();
}

async function loadManifest(session: PortalSession, plugin: UiPluginMetadata): Promise<MountablePlugin[]> {
  const resourcePath = plugin.resourcePath!;
  const baseUrl = resourcePath.includes('://')
    ? resourcePath
    : `${session.location.root}/${resourcePath.replace(/^\/+/, '')}`;
  const response = await fetch(`${baseUrl}/manifest.json`);
  if (!response.ok) return [];
  const manifest = (await response.json()) as PluginManifest;
  const locale = manifest.locales?.['en'] ?? {};
  const localise = (text: string) => text.replace(/%([^%]+)%/g, (match, key: string) => locale[key] ?? match);
  return (manifest.extensionPoints ?? [])
    .filter((point) => point.type === 'navigation:primary' && point.module && point.route)
    .map((point) => ({
      pluginId: plugin.id,
      label: localise(point.name),
      route: point.route!,
      moduleName: point.module!,
      baseUrl,
    }));
}
