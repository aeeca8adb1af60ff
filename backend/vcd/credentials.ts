/**
 * Where the client's bearer comes from: an API (refresh) token exchanged at VCD's OAuth endpoint and refreshed
 * before it expires, or a bearer handed to us as is (the caller's own token from VCD's security context).
 */
import { VcdError, vcdErrorFromBody } from './errors.ts';

export interface BearerSource {
  /** A bearer valid for at least the next call. */
  bearer(): Promise<string>;
  /** Forgets the current bearer after VCD refused it (401), so the next `bearer()` logs in again. */
  invalidate(rejected: string): void;
  /** Whether a fresh login could help after a 401. */
  readonly renewable: boolean;
}

/** A bearer we cannot renew (the caller's access token). */
export function fixedBearer(token: string): BearerSource {
  return { bearer: () => Promise.resolve(token), invalidate: () => undefined, renewable: false };
}

export interface ApiTokenLogin {
  url: string;
  /** `System` (or `provider`) logs in at `/oauth/provider/token`, other orgs at `/oauth/tenant/{org}/token`. */
  org: string;
  apiToken: string;
  timeoutMs: number;
  fetch?: typeof fetch;
  /** Clock, for tests. */
  now?: () => number;
}

export function isProviderOrg(org: string): boolean {
  return org.toLowerCase() === 'system' || org.toLowerCase() === 'provider';
}

export function tokenEndpoint(url: string, org: string): string {
  const base = url.replace(/\/+$/, '');
  return isProviderOrg(org)
    ? `${base}/oauth/provider/token`
    : `${base}/oauth/tenant/${encodeURIComponent(org)}/token`;
}

/**
 * API-token login (`grant_type=refresh_token`). The access token is renewed when less than a tenth of its life
 * (at least 30 s) remains, and concurrent callers share one login.
 */
export class ApiTokenBearer implements BearerSource {
  readonly renewable = true;
  #current?: { token: string; renewAt: number };
  #pending?: Promise<string>;

  constructor(private readonly login: ApiTokenLogin) {}

  bearer(): Promise<string> {
    const now = (this.login.now ?? Date.now)();
    if (this.#current && now < this.#current.renewAt) return Promise.resolve(this.#current.token);
    this.#pending ??= this.#exchange().finally(() => (this.#pending = undefined));
    return this.#pending;
  }

  invalidate(rejected: string): void {
    if (this.#current?.token === rejected) this.#current = undefined;
  }

  async #exchange(): Promise<string> {
    const doFetch = this.login.fetch ?? fetch;
    const endpoint = tokenEndpoint(this.login.url, this.login.org);
    const operation = `POST ${new URL(endpoint).pathname}`;
    let response: Response;
    try {
      response = await doFetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: this.login.apiToken }),
        signal: AbortSignal.timeout(this.login.timeoutMs),
      });
    } catch (error) {
      throw new VcdError(
        0,
        'VCD_UNREACHABLE',
        `cannot reach VCD at ${this.login.url} to log in: ${(error as Error).message}`,
        operation,
      );
    }
    const text = await response.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (!response.ok) {
      const error = vcdErrorFromBody(response.status, body, operation);
      throw new VcdError(
        response.status === 400 ? 401 : response.status,
        error.minorErrorCode,
        `VCD refused the API token for org ${this.login.org}: ${error.message}`,
        operation,
      );
    }
    const record = (body ?? {}) as { access_token?: unknown; expires_in?: unknown };
    if (typeof record.access_token !== 'string') {
      throw new VcdError(502, 'BAD_TOKEN_RESPONSE', 'VCD answered the token request without an access_token');
    }
    const lifetimeMs = (typeof record.expires_in === 'number' ? record.expires_in : 300) * 1000;
    const now = (this.login.now ?? Date.now)();
    this.#current = {
      token: record.access_token,
      renewAt: now + lifetimeMs - Math.max(30_000, lifetimeMs / 10),
    };
    // A very short lifetime (tests at high speed) must still be usable once.
    if (this.#current.renewAt <= now) this.#current.renewAt = now + lifetimeMs / 2;
    return record.access_token;
  }
}
