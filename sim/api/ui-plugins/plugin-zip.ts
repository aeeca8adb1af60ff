import AdmZip from 'adm-zip';

/** The files of an uploaded plugin zip, by path inside the zip. */
export type PluginFiles = ReadonlyMap<string, Buffer>;

export class PluginZipError extends Error {
  override readonly name = 'PluginZipError';
}

/** Largest total of uncompressed files accepted (guards against zip bombs). */
const maxUnpackedBytes = 64 * 1024 * 1024;

/**
 * Reads a plugin zip: it must be a zip with `manifest.json` at its root holding a JSON object, as
 * the plugin builder's `dist/plugin.zip` does.
 */
export function readPluginZip(zip: Buffer): { files: PluginFiles; manifest: Record<string, unknown> } {
  let entries: AdmZip.IZipEntry[];
  try {
    entries = new AdmZip(zip).getEntries();
  } catch (error) {
    throw new PluginZipError(`The uploaded file is not a zip archive (${(error as Error).message}).`);
  }
  const files = new Map<string, Buffer>();
  let total = 0;
  for (const entry of entries) {
    if (entry.isDirectory) continue;
    const name = entry.entryName.replace(/\\/g, '/').replace(/^\.?\//, '');
    if (name.split('/').includes('..'))
      throw new PluginZipError(`The zip holds an unsafe path: ${entry.entryName}.`);
    total += entry.header.size;
    if (total > maxUnpackedBytes) throw new PluginZipError('The zip unpacks to more than 64 MiB.');
    let data: Buffer;
    try {
      data = entry.getData();
    } catch (error) {
      throw new PluginZipError(`Cannot read ${name} from the zip (${(error as Error).message}).`);
    }
    files.set(name, data);
  }
  const manifestBytes = files.get('manifest.json');
  if (!manifestBytes) throw new PluginZipError('The plugin zip has no manifest.json at its root.');
  let manifest: unknown;
  try {
    manifest = JSON.parse(manifestBytes.toString('utf8'));
  } catch {
    throw new PluginZipError('manifest.json is not valid JSON.');
  }
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) {
    throw new PluginZipError('manifest.json must be a JSON object.');
  }
  return { files, manifest: manifest as Record<string, unknown> };
}
