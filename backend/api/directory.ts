/**
 * The `Directory` the router needs, read from VCD with the worker's service account. The System org's id never
 * changes, so it is kept once found; right ids are kept for a short time only, because uninstalling and
 * installing again gives our rights new ids.
 */
import type { VcdClient } from '../vcd/client.ts';
import { eq } from '../vcd/fiql.ts';
import { getPage } from '../vcd/paging.ts';
import { findRight } from '../vcd/rights.ts';
import type { Directory } from './auth.ts';

export interface VcdDirectoryOptions {
  /** How long a right's id (or its absence) is trusted; default 30 s. */
  rightTtlMs?: number;
  now?: () => number;
}

export class VcdDirectory implements Directory {
  #providerOrgId?: Promise<string | undefined>;
  readonly #rights = new Map<string, { id: Promise<string | undefined>; at: number }>();

  constructor(
    private readonly vcd: VcdClient,
    private readonly options: VcdDirectoryOptions = {},
  ) {}

  async isProviderOrg(orgId: string): Promise<boolean> {
    if (!this.vcd.authenticated) return false;
    this.#providerOrgId ??= this.#findSystemOrg();
    const systemId = await this.#providerOrgId;
    return systemId !== undefined && systemId === orgId;
  }

  async #findSystemOrg(): Promise<string | undefined> {
    try {
      const page = await getPage<{ id: string; name: string }>(this.vcd, '/cloudapi/1.0.0/orgs', {
        filter: eq('name', 'System'),
      });
      return page.values.find((org) => org.name === 'System')?.id;
    } catch (error) {
      // Not cached: the next request asks again (VCD may be back by then).
      this.#providerOrgId = undefined;
      throw error;
    }
  }

  rightId(name: string): Promise<string | undefined> {
    if (!this.vcd.authenticated) return Promise.resolve(undefined);
    const now = (this.options.now ?? Date.now)();
    const cached = this.#rights.get(name);
    if (cached && now - cached.at < (this.options.rightTtlMs ?? 30_000)) return cached.id;
    const id = findRight(this.vcd, name).then((right) => right?.id);
    id.catch(() => this.#rights.delete(name));
    this.#rights.set(name, { id, at: now });
    return id;
  }
}
