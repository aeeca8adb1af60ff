/**
 * A small typed VCD client for tests: log in as a seeded user, call cloudapi and the legacy API
 * with the bearer and version header, wait for tasks, and drive the simulator's `/sim/*` admin
 * endpoints. Every call is real HTTP.
 */
import { startSimulator, type RunningSimulator } from '../../sim/server.ts';
import type { SimulatorOptions } from '../../sim/options.ts';
import { seededPassword } from '../../sim/world/logins.ts';

export const apiVersion = '37.2';

export interface VcdResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface VcdErrorBody {
  minorErrorCode: string;
  message: string;
  majorErrorCode?: number;
  stackTrace: string | null;
}

export interface VcdPage<T> {
  resultTotal: number;
  pageCount: number;
  page: number;
  pageSize: number;
  values: T[];
}

export interface VcdTask {
  id: string;
  href: string;
  status: 'queued' | 'preRunning' | 'running' | 'success' | 'error' | 'aborted';
  operation: string;
  operationName: string;
  progress: number;
  owner: { id: string; name: string; type: string };
  organization: { id: string; name: string };
  user: { id: string; name: string };
  result: { resultContent: unknown } | null;
  error: { majorErrorCode: number; minorErrorCode: string; message: string } | null;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as is (malformed-JSON tests); sets no Content-Type unless `headers` does. */
  rawBody?: string | Buffer;
  headers?: Record<string, string>;
  /** Overrides the Accept header (version negotiation tests); `null` sends none. */
  accept?: string | null;
}

/** Starts an in-process simulator for a test file: free port, admin on, fast latency. */
export function startTestSimulator(overrides: Partial<SimulatorOptions> = {}): Promise<RunningSimulator> {
  return startSimulator({ host: '127.0.0.1', port: 0, speed: 100, seed: 1, admin: true, ...overrides });
}

export class VcdClient {
  constructor(
    readonly baseUrl: string,
    readonly token?: string,
    readonly tenantContext?: string,
  ) {}

  /** Logs in with Basic `user@org` (System users at `/sessions/provider`). */
  static async login(
    baseUrl: string,
    user: string,
    org: string,
    password = seededPassword,
  ): Promise<VcdClient> {
    const path =
      org.toLowerCase() === 'system' ? '/cloudapi/1.0.0/sessions/provider' : '/cloudapi/1.0.0/sessions';
    const response = await fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: {
        accept: `application/json;version=${apiVersion}`,
        authorization: `Basic ${Buffer.from(`${user}@${org}:${password}`).toString('base64')}`,
      },
    });
    if (response.status !== 200)
      throw new Error(`login ${user}@${org} failed: ${response.status} ${await response.text()}`);
    const token = response.headers.get('x-vmware-vcloud-access-token');
    if (!token) throw new Error('login answered no X-VMWARE-VCLOUD-ACCESS-TOKEN');
    return new VcdClient(baseUrl, token);
  }

  static provider(baseUrl: string): Promise<VcdClient> {
    return VcdClient.login(baseUrl, 'administrator', 'System');
  }

  /** The same session acting in another org (`X-VMWARE-VCLOUD-TENANT-CONTEXT`, bare UUID). */
  inTenant(orgId: string): VcdClient {
    return new VcdClient(this.baseUrl, this.token, orgId.replace(/^urn:vcloud:org:/, ''));
  }

  async request<T = unknown>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<VcdResponse<T>> {
    const url = path.startsWith('http') ? path : `${this.baseUrl}${path}`;
    const legacy = new URL(url).pathname.startsWith('/api/');
    const headers: Record<string, string> = {};
    if (options.accept !== null) {
      headers.accept =
        options.accept ??
        (legacy ? `application/*+json;version=${apiVersion}` : `application/json;version=${apiVersion}`);
    }
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (this.tenantContext) headers['x-vmware-vcloud-tenant-context'] = this.tenantContext;
    let body: string | Buffer | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    Object.assign(headers, options.headers);
    const response = await fetch(url, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    if (text && (response.headers.get('content-type') ?? '').includes('json')) parsed = JSON.parse(text);
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  }

  get<T = unknown>(path: string, options?: RequestOptions) {
    return this.request<T>('GET', path, options);
  }
  post<T = unknown>(path: string, body?: unknown, options: RequestOptions = {}) {
    return this.request<T>('POST', path, { ...options, body });
  }
  put<T = unknown>(path: string, body?: unknown, options: RequestOptions = {}) {
    return this.request<T>('PUT', path, { ...options, body });
  }
  delete<T = unknown>(path: string, options?: RequestOptions) {
    return this.request<T>('DELETE', path, options);
  }

  /** Every value of a paged cloudapi collection, following pages. */
  async getAll<T>(path: string, pageSize = 128): Promise<T[]> {
    const values: T[] = [];
    for (let page = 1; ; page++) {
      const separator = path.includes('?') ? '&' : '?';
      const response = await this.get<VcdPage<T>>(`${path}${separator}page=${page}&pageSize=${pageSize}`);
      if (response.status !== 200) throw new Error(`GET ${path} → ${response.status} ${response.text}`);
      values.push(...response.body.values);
      if (page >= response.body.pageCount) return values;
    }
  }

  /** Polls the task a 202's `Location` points at until it ends. */
  async waitForTask(location: string, timeoutMs = 20_000): Promise<VcdTask> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const response = await this.get<VcdTask>(location);
      if (response.status !== 200) throw new Error(`GET ${location} → ${response.status} ${response.text}`);
      if (['success', 'error', 'aborted'].includes(response.body.status)) return response.body;
      if (Date.now() > deadline)
        throw new Error(`task ${location} still ${response.body.status} after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

/** The simulator's `/sim/*` admin endpoints (the simulator must run with `admin: true`). */
export class SimAdmin {
  constructor(readonly baseUrl: string) {}

  async #call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** The whole world (secrets included). */
  state<T = WorldSnapshot>(): Promise<T> {
    return this.#call('GET', '/sim/state');
  }
  setFaults(faults: object[]): Promise<{ faults: object[] }> {
    return this.#call('PUT', '/sim/faults', faults);
  }
  clearFaults(): Promise<void> {
    return this.#call('DELETE', '/sim/faults');
  }
  latency(change?: {
    speed?: number;
    durations?: Record<string, number>;
  }): Promise<{ speed: number; durations: Record<string, number> }> {
    return change ? this.#call('PUT', '/sim/latency', change) : this.#call('GET', '/sim/latency');
  }
  advance(ms: number): Promise<{ now: string }> {
    return this.#call('POST', '/sim/time/advance', { ms });
  }
  reset(): Promise<void> {
    return this.#call('POST', '/sim/reset');
  }
}

/** The parts of `/sim/state` most tests look at. */
export interface WorldSnapshot {
  orgs: Record<string, { id: string; name: string; isProvider: boolean }>;
  users: Record<string, { id: string; username: string; orgId: string; roleIds: string[] }>;
  [collection: string]: unknown;
}

/** Finds a seeded org's id by name in a world snapshot. */
export function orgIdByName(state: WorldSnapshot, name: string): string {
  const org = Object.values(state.orgs).find((candidate) => candidate.name === name);
  if (!org) throw new Error(`no org ${name}`);
  return org.id;
}
