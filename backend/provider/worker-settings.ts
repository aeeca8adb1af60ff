/**
 * The worker settings `cse install` produces: the worker's VCD API token and, for MQTT, the extension token (the
 * broker password), as a worker configuration file (`cse worker --config FILE`). Secrets are shown only when
 * created; an install run again with the same settings file keeps them, so nothing changes.
 */
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { parse, stringify } from 'yaml';
import { ApiTokenBearer } from '../vcd/credentials.ts';
import type { VcdClient } from '../vcd/client.ts';
import { createApiToken, createExtensionToken, listTokens, revokeToken } from '../vcd/tokens.ts';
import type { RegisteredExtension } from './extension.ts';
import { workerTokenClientName, type ExtensionIdentity } from './identity.ts';
import type { InstallReport } from './report.ts';

export interface WorkerSettings {
  vcd: { url: string; org: string; apiToken?: string };
  bus: {
    transport: 'amqp' | 'mqtt';
    amqp?: { exchange: string; routingKey: string };
    mqtt?: { vendor: string; name: string; version: string; token?: string };
  };
}

export interface TokenOptions {
  /** Settings of an earlier install (its tokens are kept when they still exist). */
  previous?: WorkerSettings;
  /** Use this API token for the worker instead of minting one. */
  workerToken?: string;
  /** Revoke and re-issue the tokens even when they exist. */
  rotate?: boolean;
}

export async function readSettingsFile(path: string): Promise<WorkerSettings | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  const parsed = parse(text) as WorkerSettings | null;
  return parsed && typeof parsed === 'object' ? parsed : undefined;
}

export async function writeSettingsFile(path: string, settings: WorkerSettings): Promise<void> {
  await writeFile(path, renderSettings(settings), { mode: 0o600 });
  await chmod(path, 0o600);
}

export function renderSettings(settings: WorkerSettings): string {
  return `# Worker settings written by cse install; holds secrets (keep it private).\n${stringify(settings)}`;
}

async function tokenWorks(vcd: VcdClient, org: string, token: string): Promise<boolean> {
  try {
    await new ApiTokenBearer({ url: vcd.url, org, apiToken: token, timeoutMs: 10_000 }).bearer();
    return true;
  } catch {
    return false;
  }
}

async function workerToken(
  vcd: VcdClient,
  org: string,
  options: TokenOptions,
  report: InstallReport,
): Promise<string | undefined> {
  const label = `worker API token ${workerTokenClientName}`;
  if (options.workerToken) {
    report.record(label, 'skipped', 'given with --worker-token');
    return options.workerToken;
  }
  const previous = options.previous?.vcd?.apiToken;
  if (!options.rotate && previous && (await tokenWorks(vcd, org, previous))) {
    report.record(label, 'unchanged');
    return previous;
  }
  const existing = await listTokens(vcd, workerTokenClientName);
  if (!options.rotate && !previous && existing.length > 0) {
    report.record(
      label,
      'unchanged',
      'exists; its secret was shown when created (--rotate-tokens issues a new one)',
    );
    return undefined;
  }
  for (const token of existing) await revokeToken(vcd, token.id);
  const minted = await createApiToken(vcd.url, org, await vcd.currentBearer(), workerTokenClientName);
  report.record(
    label,
    existing.length > 0 ? 'updated' : 'created',
    existing.length > 0 ? 'rotated' : undefined,
  );
  return minted.refreshToken;
}

async function extensionToken(
  vcd: VcdClient,
  extension: RegisteredExtension,
  identity: ExtensionIdentity,
  options: TokenOptions,
  report: InstallReport,
): Promise<string | undefined> {
  const name = `${identity.vendor}/${identity.name}/${identity.version}`;
  const label = `MQTT extension token ${name}`;
  const existing = (await listTokens(vcd, name)).filter((token) => token.type === 'EXTENSION');
  const previous = options.previous?.bus?.mqtt?.token;
  if (!options.rotate && previous && existing.length > 0) {
    report.record(label, 'unchanged');
    return previous;
  }
  if (!options.rotate && !previous && existing.length > 0) {
    report.record(
      label,
      'unchanged',
      'exists; its secret was shown when created (--rotate-tokens issues a new one)',
    );
    return undefined;
  }
  for (const token of existing) await revokeToken(vcd, token.id);
  const created = await createExtensionToken(vcd, extension.id, name);
  report.record(label, existing.length > 0 ? 'updated' : 'created');
  return created.token ?? undefined;
}

export async function produceWorkerSettings(
  vcd: VcdClient,
  org: string,
  extension: RegisteredExtension,
  identity: ExtensionIdentity,
  options: TokenOptions,
  report: InstallReport,
): Promise<WorkerSettings> {
  const settings: WorkerSettings = {
    vcd: { url: vcd.url, org },
    bus: { transport: extension.transport },
  };
  const apiToken = await workerToken(vcd, org, options, report);
  if (apiToken) settings.vcd.apiToken = apiToken;
  if (extension.transport === 'amqp') {
    settings.bus.amqp = { exchange: identity.exchange, routingKey: identity.routingKey };
  } else {
    settings.bus.mqtt = { vendor: identity.vendor, name: identity.name, version: identity.version };
    const token = await extensionToken(vcd, extension, identity, options, report);
    if (token) settings.bus.mqtt.token = token;
  }
  return settings;
}

/** Revokes the tokens install issued (the worker's and the extension's). */
export async function revokeWorkerTokens(
  vcd: VcdClient,
  identity: ExtensionIdentity,
  report: InstallReport,
): Promise<void> {
  for (const name of [workerTokenClientName, `${identity.vendor}/${identity.name}/${identity.version}`]) {
    const tokens = await listTokens(vcd, name);
    for (const token of tokens) await revokeToken(vcd, token.id);
    report.record(`tokens named ${name}`, tokens.length ? 'removed' : 'absent');
  }
}
