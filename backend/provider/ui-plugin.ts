/**
 * The UI plugin: registered from the zip's own `manifest.json`, uploaded, published to all tenants and enabled.
 * Found again by vendor, name and version, so a second install leaves a ready plugin alone.
 */
import AdmZip from 'adm-zip';
import { readFile } from 'node:fs/promises';
import type { VcdClient } from '../vcd/client.ts';
import {
  createUiPlugin,
  deleteUiPlugin,
  listUiPlugins,
  publishUiPluginToAll,
  updateUiPlugin,
  uploadUiPlugin,
  type UiPluginMetadata,
} from '../vcd/uiPlugins.ts';
import type { InstallReport } from './report.ts';

interface PluginManifest {
  name: string;
  vendor: string;
  version: string;
  description?: string;
  license: string;
  link: string;
  scope?: string[];
}

export function metadataFromZip(zip: Buffer): UiPluginMetadata {
  const entry = new AdmZip(zip).getEntry('manifest.json');
  if (!entry) throw new Error('the UI plugin zip has no manifest.json');
  const manifest = JSON.parse(entry.getData().toString('utf8')) as PluginManifest;
  const scope = manifest.scope ?? ['tenant'];
  return {
    pluginName: manifest.name,
    vendor: manifest.vendor,
    description: manifest.description ?? '',
    version: manifest.version,
    license: manifest.license,
    link: manifest.link,
    tenant_scoped: scope.includes('tenant'),
    provider_scoped: scope.includes('service-provider'),
    enabled: true,
  };
}

async function readZip(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch {
    return undefined;
  }
}

export async function installUiPlugin(vcd: VcdClient, zipPath: string, report: InstallReport): Promise<void> {
  const zip = await readZip(zipPath);
  if (!zip) {
    report.record('UI plugin', 'skipped', `no zip at ${zipPath}; build it with npm run build:plugin`);
    return;
  }
  const wanted = metadataFromZip(zip);
  const label = `UI plugin ${wanted.vendor}/${wanted.pluginName} ${wanted.version}`;
  const existing = (await listUiPlugins(vcd)).find(
    (plugin) =>
      plugin.vendor === wanted.vendor &&
      plugin.pluginName === wanted.pluginName &&
      plugin.version === wanted.version,
  );
  let plugin = existing;
  let outcome: 'created' | 'updated' | 'unchanged' = 'unchanged';
  if (!plugin) {
    plugin = await createUiPlugin(vcd, wanted);
    outcome = 'created';
  }
  const id = plugin.id!;
  if (plugin.plugin_status !== 'ready') {
    await uploadUiPlugin(vcd, id, zip);
    if (outcome === 'unchanged') outcome = 'updated';
  }
  if (!plugin.enabled) {
    await updateUiPlugin(vcd, id, { ...plugin, enabled: true });
    if (outcome === 'unchanged') outcome = 'updated';
  }
  // Publishing to all is idempotent in VCD; done every time so a plugin unpublished by hand comes back.
  await publishUiPluginToAll(vcd, id);
  report.record(label, outcome, 'published to all tenants, enabled');
}

export async function removeUiPlugin(vcd: VcdClient, zipPath: string, report: InstallReport): Promise<void> {
  const zip = await readZip(zipPath);
  const identity = zip ? metadataFromZip(zip) : undefined;
  const ours = (await listUiPlugins(vcd)).filter((plugin) =>
    identity ? plugin.vendor === identity.vendor && plugin.pluginName === identity.pluginName : false,
  );
  if (ours.length === 0) report.record('UI plugin', 'absent');
  for (const plugin of ours) {
    await deleteUiPlugin(vcd, plugin.id!);
    report.record(`UI plugin ${plugin.vendor}/${plugin.pluginName} ${plugin.version}`, 'removed');
  }
}
