/**
 * The typed VCD REST client every other module in `backend/vcd/` builds on: bearer from an API token (or the
 * caller's own token), API version negotiation, tenant context, per-call timeout, retries with jitter on
 * transient failures only, ETags, and VCD's error bodies turned into `VcdError`. It logs method, path, status and
 * duration, never headers or bodies, so no secret reaches a log line.
 */
import type { Logger } from 'pino';
import { ApiTokenBearer, fixedBearer, type BearerSource } from './credentials.ts';
import { VcdError, VcdTimeoutError, vcdErrorFromBody } from './errors.ts';
import { negotiateApiVersion } from './versions.ts';

export interface VcdClientOptions {
  /** Base URL of VCD, e.g. `https://vcd.example.com` or the simulator's `http://127.0.0.1:8443`. */
  url: string;
  /** Org the API token belongs to (`System` for provider tokens). */
  org?: string;
  /** An API (refresh) token; exchanged for bearers and refreshed before they expire. */
  apiToken?: string;
  /** A bearer to use as is (the caller's token). Ignored when `apiToken` is given. */
  accessToken?: string;
  /** Pins the API version instead of negotiating it with `GET /api/versions`. */
  apiVersion?: string;
  /** Per-call timeout; default 30 s. */
  timeoutMs?: number;
  /** Attempts after the first one for transient failures; default 3. */
  retries?: number;
  /** First retry delay; doubles with full jitter; default 200 ms. */
  retryBaseMs?: number;
  logger?: Logger;
  fetch?: typeof fetch;
}

export type RetryPolicy = 'transient' | 'never';

export interface VcdRequestOptions {
  method?: string;
  /** `/cloudapi/...` or `/api/...` (or an absolute URL VCD gave us, e.g. a task `Location`). */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** JSON body. */
  body?: unknown;
  /** A body sent as is, with `contentType`. */
  rawBody?: Buffer | string;
  contentType?: string;
  headers?: Record<string, string>;
  /** Sent as `If-Match`: the update fails with 412 if the object changed since that ETag. */
  ifMatch?: string;
  /** Overrides the media type part of `Accept` (the version is appended). */
  accept?: string;
  timeoutMs?: number;
  /** Default: transient failures are retried for GET/PUT/DELETE, and for POST only when VCD says it did nothing. */
  retry?: RetryPolicy;
  /** Statuses returned instead of thrown (e.g. `[404]` to test existence). */
  allowStatus?: number[];
  /** Send no bearer (public endpoints such as `/api/versions`). */
  anonymous?: boolean;
}

export interface VcdResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  etag?: string;
  /** `Location` header (202 answers carry the task here). */
  location?: string;
}

const TENANT_CONTEXT_HEADER = 'X-VMWARE-VCLOUD-TENANT-CONTEXT';

/** Shared by a client and the clients derived from it (`withTenant`, `withBearer`); not for use outside. */
export interface SharedState {
  options: Required<Pick<VcdClientOptions, 'url' | 'timeoutMs' | 'retries' | 'retryBaseMs'>> &
    VcdClientOptions;
  bearer?: BearerSource;
  version?: Promise<string>;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export class VcdClient {
  readonly #shared: SharedState;
  readonly #bearer?: BearerSource;
  /** Org UUID sent as tenant context, when a provider acts in a tenant. */
  readonly tenantContext?: string;

  constructor(
    options: VcdClientOptions,
    derived?: { shared: SharedState; bearer: BearerSource | undefined; tenant?: string },
  ) {
    if (derived) {
      this.#shared = derived.shared;
      this.#bearer = derived.bearer;
      this.tenantContext = derived.tenant;
      return;
    }
    const url = options.url.replace(/\/+$/, '');
    const normalised = {
      ...options,
      url,
      timeoutMs: options.timeoutMs ?? 30_000,
      retries: options.retries ?? 3,
      retryBaseMs: options.retryBaseMs ?? 200,
    };
    this.#shared = { options: normalised };
    if (options.apiToken) {
      this.#bearer = new ApiTokenBearer({
        url,
        org: options.org ?? 'System',
        apiToken: options.apiToken,
        timeoutMs: normalised.timeoutMs,
        fetch: options.fetch,
      });
    } else if (options.accessToken) {
      this.#bearer = fixedBearer(options.accessToken);
    }
    if (options.apiVersion) this.#shared.version = Promise.resolve(options.apiVersion);
  }

  get url(): string {
    return this.#shared.options.url;
  }

  /** Whether this client has credentials at all. */
  get authenticated(): boolean {
    return this.#bearer !== undefined;
  }

  /** The same credentials acting in another org (`X-VMWARE-VCLOUD-TENANT-CONTEXT`, the org's UUID). */
  withTenant(orgId: string | undefined): VcdClient {
    const uuid = orgId?.replace(/^urn:vcloud:org:/, '');
    return new VcdClient(this.#shared.options, { shared: this.#shared, bearer: this.#bearer, tenant: uuid });
  }

  /** A client acting with someone else's bearer (the caller's), sharing the negotiated version. */
  withBearer(accessToken: string): VcdClient {
    return new VcdClient(this.#shared.options, { shared: this.#shared, bearer: fixedBearer(accessToken) });
  }

  /** The current bearer (for VCD flows that take it as an assertion, e.g. minting an API token). Never log it. */
  async currentBearer(): Promise<string> {
    if (!this.#bearer) throw new VcdError(401, 'NO_CREDENTIALS', 'no VCD credentials configured');
    return this.#bearer.bearer();
  }

  /** The API version in use, negotiated once per client family (cached: it does not change while VCD runs). */
  apiVersion(): Promise<string> {
    this.#shared.version ??= negotiateApiVersion(this).catch((error: unknown) => {
      this.#shared.version = undefined;
      throw error;
    });
    return this.#shared.version;
  }

  /** The version already negotiated, if any (for `about`; never triggers a call). */
  async knownApiVersion(): Promise<string | undefined> {
    if (!this.#shared.version) return undefined;
    return this.#shared.version.catch(() => undefined);
  }

  async request<T = unknown>(options: VcdRequestOptions): Promise<VcdResponse<T>> {
    const method = (options.method ?? 'GET').toUpperCase();
    const policy = options.retry ?? 'transient';
    const { retries, retryBaseMs } = this.#shared.options;
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.#once<T>(method, options);
      } catch (error) {
        if (
          !(error instanceof VcdError) ||
          policy === 'never' ||
          attempt >= retries ||
          !this.#retryable(method, error)
        ) {
          throw error;
        }
        const delay = Math.random() * retryBaseMs * 2 ** attempt;
        // Routine: the caller logs the failure that counts, the one left after the last attempt.
        this.#shared.options.logger?.debug(
          {
            operation: error.operation,
            status: error.status,
            code: error.minorErrorCode,
            attempt: attempt + 1,
          },
          'VCD call failed; retrying',
        );
        await sleep(delay);
      }
    }
  }

  /** POST is retried only where VCD cannot have acted: busy, or 503 Service Unavailable. */
  #retryable(method: string, error: VcdError): boolean {
    if (!error.isTransient) return false;
    if (method !== 'POST') return true;
    return error.status === 503 || error.status === 429 || error.minorErrorCode.startsWith('BUSY_');
  }

  async #once<T>(
    method: string,
    options: VcdRequestOptions,
    reauthenticated = false,
  ): Promise<VcdResponse<T>> {
    const { url: base, timeoutMs: defaultTimeout, logger } = this.#shared.options;
    const doFetch = this.#shared.options.fetch ?? fetch;
    const url = new URL(options.path.startsWith('http') ? options.path : `${base}${options.path}`);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const operation = `${method} ${url.pathname}`;
    const headers: Record<string, string> = {};
    const legacy = url.pathname.startsWith('/api/');
    if (!(options.anonymous && url.pathname === '/api/versions')) {
      const version = await this.apiVersion();
      const media = options.accept ?? (legacy ? 'application/*+json' : 'application/json');
      headers['accept'] = `${media};version=${version}`;
    } else {
      headers['accept'] = options.accept ?? 'application/*+json';
    }
    let bearer: string | undefined;
    if (!options.anonymous) {
      if (!this.#bearer) {
        throw new VcdError(
          401,
          'NO_CREDENTIALS',
          `no VCD credentials configured for ${operation}`,
          operation,
        );
      }
      bearer = await this.#bearer.bearer();
      headers['authorization'] = `Bearer ${bearer}`;
    }
    if (this.tenantContext) headers[TENANT_CONTEXT_HEADER] = this.tenantContext;
    if (options.ifMatch) headers['if-match'] = options.ifMatch;
    let body: string | Buffer | undefined;
    if (options.rawBody !== undefined) {
      body = options.rawBody;
      if (options.contentType) headers['content-type'] = options.contentType;
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = options.contentType ?? 'application/json';
    }
    Object.assign(headers, options.headers);

    const started = performance.now();
    let response: Response;
    let text: string;
    try {
      response = await doFetch(url, {
        method,
        headers,
        body,
        signal: AbortSignal.timeout(options.timeoutMs ?? defaultTimeout),
      });
      text = await response.text();
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError';
      throw new VcdTimeoutError(
        0,
        timedOut ? 'VCD_TIMEOUT' : 'VCD_UNREACHABLE',
        timedOut
          ? `VCD did not answer ${operation} within ${options.timeoutMs ?? defaultTimeout} ms`
          : `cannot reach VCD for ${operation}: ${(error as Error).message}`,
        operation,
      );
    }
    logger?.debug(
      { operation, status: response.status, ms: Math.round(performance.now() - started) },
      'VCD call',
    );
    let parsed: unknown = text;
    const type = response.headers.get('content-type') ?? '';
    if (text && (type.includes('json') || /^\s*[[{]/.test(text))) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    } else if (!text) parsed = undefined;

    if (response.status === 401 && bearer && this.#bearer?.renewable && !reauthenticated) {
      // The bearer expired early (VCD restarted, session revoked): log in again once.
      this.#bearer.invalidate(bearer);
      return this.#once<T>(method, options, true);
    }
    if (response.status >= 400 && !options.allowStatus?.includes(response.status)) {
      throw vcdErrorFromBody(response.status, parsed, operation);
    }
    return {
      status: response.status,
      headers: response.headers,
      body: parsed as T,
      etag: response.headers.get('etag') ?? undefined,
      location: response.headers.get('location') ?? undefined,
    };
  }

  get<T = unknown>(path: string, options: Omit<VcdRequestOptions, 'path' | 'method'> = {}) {
    return this.request<T>({ ...options, path, method: 'GET' });
  }
  post<T = unknown>(path: string, body?: unknown, options: Omit<VcdRequestOptions, 'path' | 'method'> = {}) {
    return this.request<T>({ ...options, path, method: 'POST', body });
  }
  put<T = unknown>(path: string, body?: unknown, options: Omit<VcdRequestOptions, 'path' | 'method'> = {}) {
    return this.request<T>({ ...options, path, method: 'PUT', body });
  }
  delete<T = unknown>(path: string, options: Omit<VcdRequestOptions, 'path' | 'method'> = {}) {
    return this.request<T>({ ...options, path, method: 'DELETE' });
  }
}
