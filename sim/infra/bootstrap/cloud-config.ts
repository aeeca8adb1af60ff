import { gunzipSync } from 'node:zlib';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/**
 * Reads the bootstrap VM's cloud-init the way the guest would: user data decoded as cloud-init's data
 * sources decode it (`guest.ts` says where it comes from), a `#cloud-config` YAML mapping, and our files from `write_files`
 * (docs/cluster-spec.md §4). Anything a real guest could not use throws `GuestCustomizationError`.
 */
export class GuestCustomizationError extends Error {
  override readonly name = 'GuestCustomizationError';
}

/** The settings file `/etc/cse/bootstrap.json` (only the fields the emulation reads are checked). */
const settingsSchema = z
  .object({
    schemaVersion: z.literal(1),
    clusterId: z.string().min(1),
    clusterName: z.string().min(1),
    namespace: z.string().min(1).optional(),
    vcd: z
      .object({ url: z.string().min(1), org: z.string().min(1), tokenUrl: z.string().min(1) })
      .passthrough(),
    report: z.object({ url: z.string().min(1), secretHeader: z.string().min(1) }).passthrough(),
    files: z
      .object({ reportSecret: z.string().min(1), apiToken: z.string().min(1), capiYaml: z.string().min(1) })
      .passthrough(),
    phases: z
      .array(
        z
          .object({ name: z.string().regex(/^[a-z][a-z0-9-]*$/), timeoutSeconds: z.number().positive() })
          .passthrough(),
      )
      .min(1),
  })
  .passthrough();

export type BootstrapSettings = z.infer<typeof settingsSchema>;

/** Where the worker's cloud-init puts the settings; the other paths come from the settings. */
export const settingsPath = '/etc/cse/bootstrap.json';

export interface BootstrapGuestConfig {
  settings: BootstrapSettings;
  reportSecret: string;
  apiToken: string;
  capiYaml: string;
  /** Every `write_files` entry by path, decoded (clusterctl's configuration, add-on configuration). */
  files: ReadonlyMap<string, string>;
}

/**
 * `guestinfo.userdata` as text, decoded as cloud-init's VMware data source does
 * (cloud-init `cloudinit/sources/DataSourceVMware.py` `decode`): `gzip+base64` / `gz+b64` and
 * `base64` / `b64`, exactly those spellings; any other encoding (or none) means the value is the
 * user data as is. The encoding's trailing whitespace is dropped first (`get_none_if_empty_val`).
 */
export function decodeGuestinfoUserdata(value: string, encoding: string | undefined): string {
  const kind = (encoding ?? '').trimEnd();
  try {
    if (kind === 'base64' || kind === 'b64') return strictBase64(value).toString('utf8');
    if (kind === 'gzip+base64' || kind === 'gz+b64') return gunzipSync(strictBase64(value)).toString('utf8');
  } catch (error) {
    throw new GuestCustomizationError(
      `cannot decode guestinfo.userdata (${kind}): ${(error as Error).message}`,
    );
  }
  return value;
}

/**
 * The OVF environment's `user-data` property as cloud-init's OVF data source reads it
 * (`DataSourceOVF.py` `read_ovf_environment`): base64 when it decodes, else the text as is.
 */
export function decodeOvfUserdata(value: string): string {
  try {
    return strictBase64(value).toString('utf8');
  } catch {
    return value;
  }
}

/**
 * Python's `base64.b64decode` (what cloud-init's `b64d` calls): characters outside the alphabet are
 * dropped, decoding stops at the padding, and data that is not whole quads once padded is an
 * error. Node's decoder never fails, so those rules are checked here.
 */
function strictBase64(value: string): Buffer {
  const cleaned = value.replace(/[^A-Za-z0-9+/=]/g, '');
  const padAt = cleaned.indexOf('=');
  const data = padAt < 0 ? cleaned : cleaned.slice(0, padAt);
  const partial = data.length % 4;
  if (partial === 1) throw new Error('the number of data characters cannot be 1 more than a multiple of 4');
  if (partial !== 0 && !cleaned.slice(data.length).startsWith('='.repeat(4 - partial)))
    throw new Error('Incorrect padding');
  return Buffer.from(data, 'base64');
}

/** Content of one `write_files` entry, decoded as cloud-init's `encoding` says. */
function fileContent(entry: Record<string, unknown>): string {
  const raw = typeof entry['content'] === 'string' ? entry['content'] : '';
  const encoding = typeof entry['encoding'] === 'string' ? entry['encoding'].toLowerCase() : 'text/plain';
  if (['b64', 'base64'].includes(encoding)) return Buffer.from(raw, 'base64').toString('utf8');
  if (['gz', 'gzip'].includes(encoding)) return gunzipSync(Buffer.from(raw, 'binary')).toString('utf8');
  if (['gz+base64', 'gzip+base64', 'gz+b64', 'gzip+b64'].includes(encoding))
    return gunzipSync(Buffer.from(raw, 'base64')).toString('utf8');
  if (encoding === 'text/plain') return raw;
  throw new GuestCustomizationError(
    `write_files: unknown encoding "${encoding}" for ${String(entry['path'])}`,
  );
}

function writtenFiles(config: Record<string, unknown>): Map<string, string> {
  const entries = config['write_files'];
  if (!Array.isArray(entries)) throw new GuestCustomizationError('cloud-config has no write_files list');
  const files = new Map<string, string>();
  for (const entry of entries) {
    if (!entry || typeof entry !== 'object' || typeof (entry as { path?: unknown }).path !== 'string')
      throw new GuestCustomizationError('write_files: every entry needs a path');
    const record = entry as Record<string, unknown>;
    const path = record['path'] as string;
    const content = fileContent(record);
    files.set(path, record['append'] === true ? (files.get(path) ?? '') + content : content);
  }
  return files;
}

function required(files: Map<string, string>, path: string, what: string): string {
  const content = files.get(path);
  if (content === undefined || content.trim() === '')
    throw new GuestCustomizationError(`write_files has no ${what} (${path})`);
  return content;
}

/** Parses decoded userdata into what the bootstrap needs, or throws `GuestCustomizationError`. */
export function readBootstrapCloudConfig(userdata: string): BootstrapGuestConfig {
  if (!userdata.startsWith('#cloud-config'))
    throw new GuestCustomizationError('user-data does not start with #cloud-config');
  let config: unknown;
  try {
    config = parseYaml(userdata, { maxAliasCount: 100 });
  } catch (error) {
    throw new GuestCustomizationError(
      `user-data is not valid YAML: ${(error as Error).message.split('\n')[0]}`,
    );
  }
  if (!config || typeof config !== 'object' || Array.isArray(config))
    throw new GuestCustomizationError('user-data is not a YAML mapping');
  const files = writtenFiles(config as Record<string, unknown>);

  let parsedSettings: unknown;
  try {
    parsedSettings = JSON.parse(required(files, settingsPath, 'bootstrap settings'));
  } catch (error) {
    if (error instanceof GuestCustomizationError) throw error;
    throw new GuestCustomizationError(`${settingsPath} is not valid JSON: ${(error as Error).message}`);
  }
  const result = settingsSchema.safeParse(parsedSettings);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new GuestCustomizationError(
      `${settingsPath}: ${issue.path.join('.') || 'settings'}: ${issue.message}`,
    );
  }
  const settings = result.data;
  return {
    settings,
    reportSecret: required(files, settings.files.reportSecret, 'report secret').trim(),
    apiToken: required(files, settings.files.apiToken, 'VCD API token').trim(),
    capiYaml: required(files, settings.files.capiYaml, 'Cluster API manifest'),
    files,
  };
}
