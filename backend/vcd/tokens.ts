/**
 * VCD API tokens: minting a user's API (refresh) token through the OAuth client flow, extension tokens for the
 * MQTT broker login, listing and revoking. Token secrets are returned to the caller and never logged.
 */
import type { VcdClient } from './client.ts';
import { isProviderOrg } from './credentials.ts';
import { VcdError, vcdErrorFromBody } from './errors.ts';
import { eq } from './fiql.ts';
import { listAll } from './paging.ts';

export interface VcdToken {
  id: string;
  name: string;
  /** The secret; only in the answer that created the token. */
  token: string | null;
  type: string;
  expirationDate?: string | null;
  owner?: { id: string; name?: string };
  org?: { id: string; name?: string };
}

const TOKENS = '/cloudapi/1.0.0/tokens';

/** The tokens VCD shows the caller, or those named exactly `name` (a `*` in the name is VCD's wildcard). */
export async function listTokens(client: VcdClient, name?: string): Promise<VcdToken[]> {
  if (!name) return listAll<VcdToken>(client, TOKENS);
  const tokens = await listAll<VcdToken>(client, TOKENS, { filter: eq('name', name) });
  return tokens.filter((token) => token.name === name);
}

export async function revokeToken(client: VcdClient, id: string): Promise<void> {
  await client.delete(`${TOKENS}/${encodeURIComponent(id)}`, { allowStatus: [404] });
}

/** The extension's MQTT password: `{name: vendor/name/version, type: EXTENSION, extensionId}`; provider only. */
export async function createExtensionToken(
  client: VcdClient,
  extensionId: string,
  name: string,
): Promise<VcdToken> {
  const response = await client.post<VcdToken>(TOKENS, { name, type: 'EXTENSION', extensionId });
  if (!response.body?.token) {
    throw new VcdError(502, 'NO_TOKEN_SECRET', `VCD created the extension token ${name} without its secret`);
  }
  return response.body;
}

function oauthBase(url: string, org: string): string {
  return isProviderOrg(org) ? `${url}/oauth/provider` : `${url}/oauth/tenant/${encodeURIComponent(org)}`;
}

/**
 * Mints an API token for the user behind `bearer` (a session or access token of that user in `org`): registers an
 * OAuth client named `clientName`, then exchanges the bearer for a refresh token (VCD names the token after the
 * client). Needs the right "API Tokens: Manage".
 */
export async function createApiToken(
  url: string,
  org: string,
  bearer: string,
  clientName: string,
  timeoutMs = 30_000,
): Promise<{ refreshToken: string; clientId: string }> {
  const base = oauthBase(url.replace(/\/+$/, ''), org);
  const register = await fetch(`${base}/register`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${bearer}`,
      'content-type': 'application/json',
      accept: 'application/json',
    },
    body: JSON.stringify({ client_name: clientName }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const registered = (await register.json().catch(() => ({}))) as { client_id?: string };
  if (!register.ok || !registered.client_id) {
    throw vcdErrorFromBody(register.status, registered, 'POST oauth register');
  }
  const exchange = await fetch(`${base}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion: bearer,
      client_id: registered.client_id,
    }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const exchanged = (await exchange.json().catch(() => ({}))) as { refresh_token?: string };
  if (!exchange.ok || !exchanged.refresh_token) {
    throw vcdErrorFromBody(exchange.status, exchanged, 'POST oauth token');
  }
  return { refreshToken: exchanged.refresh_token, clientId: registered.client_id };
}

/** Logs in with a user name and password (Basic `user@org`), for bootstrapping a local simulator. */
export async function loginWithPassword(
  url: string,
  user: string,
  org: string,
  password: string,
  apiVersion: string,
): Promise<string> {
  const path = isProviderOrg(org) ? '/cloudapi/1.0.0/sessions/provider' : '/cloudapi/1.0.0/sessions';
  const response = await fetch(`${url.replace(/\/+$/, '')}${path}`, {
    method: 'POST',
    headers: {
      accept: `application/json;version=${apiVersion}`,
      authorization: `Basic ${Buffer.from(`${user}@${org}:${password}`).toString('base64')}`,
    },
  });
  const token = response.headers.get('x-vmware-vcloud-access-token');
  if (!response.ok || !token) {
    throw vcdErrorFromBody(response.status, await response.json().catch(() => undefined), `POST ${path}`);
  }
  return token;
}
