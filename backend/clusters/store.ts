/**
 * Reading and writing cluster entities as the worker's service account: every write carries the ETag it read
 * (`If-Match`), so two replicas (or the API and the reconciler) never overwrite each other; a 412 means "read
 * again and decide again". `mutate` does that loop for small, commutative changes (an event, a report).
 */
import { CLUSTER_NSS, CLUSTER_TYPE_VERSION, CLUSTER_VENDOR } from '../../behaviours/index.ts';
import type { VcdClient } from '../vcd/client.ts';
import { VcdError } from '../vcd/errors.ts';
import { getEntity, listEntities, type RdeEntity } from '../vcd/rde.ts';
import { updateEntity } from '../vcd/rde-writes.ts';
import type { ClusterEntity } from './spec.ts';

export type ClusterRde = RdeEntity<ClusterEntity>;

export interface StoredCluster {
  rde: ClusterRde;
  etag?: string;
}

export function isConflict(error: unknown): boolean {
  return error instanceof VcdError && (error.status === 412 || error.status === 409);
}

export class ClusterStore {
  /**
   * The last version this worker read or wrote, with its ETag: `mutate` starts from it to save a read. Safe
   * because every write carries the ETag: a stale copy only costs a 412 and a fresh read.
   */
  readonly #known = new Map<string, StoredCluster>();
  /** Reconciler writes skip the PostUpdate hook (it would only wake us again) when VCD lets us. */
  #hooklessWrites = true;

  constructor(readonly vcd: VcdClient) {}

  async read(id: string): Promise<StoredCluster | undefined> {
    const found = await getEntity<ClusterEntity>(this.vcd, id);
    if (!found) {
      this.#known.delete(id);
      return undefined;
    }
    // The entity API never returns secure fields; drop whatever placeholder VCD put there.
    const entity = found.entity.entity ?? ({} as ClusterEntity);
    const { private: _secret, ...visible } = entity;
    const stored = { rde: { ...found.entity, entity: visible as ClusterEntity }, etag: found.etag };
    this.#remember(stored);
    return structuredClone(stored);
  }

  #remember(stored: StoredCluster): void {
    const { private: _secret, ...visible } = stored.rde.entity;
    this.#known.set(
      stored.rde.id,
      structuredClone({ rde: { ...stored.rde, entity: visible as ClusterEntity }, etag: stored.etag }),
    );
  }

  forget(id: string): void {
    this.#known.delete(id);
  }

  /**
   * Writes the whole entity (secure fields omitted: VCD keeps them); answers the new ETag. Throws on 412.
   * `hooks: false` (the reconciler's own progress) skips the PostUpdate hook where VCD allows it.
   */
  async write(stored: StoredCluster, options: { hooks?: boolean } = {}): Promise<StoredCluster> {
    let etag: string | undefined;
    if (options.hooks === false && this.#hooklessWrites) {
      try {
        etag = await updateEntity(this.vcd, stored.rde, stored.etag, { invokeHooks: false });
      } catch (error) {
        if (!(error instanceof VcdError) || error.status !== 403) throw error;
        this.#hooklessWrites = false;
      }
    }
    etag ??= await updateEntity(this.vcd, stored.rde, stored.etag);
    const written = { rde: stored.rde, etag };
    this.#remember(written);
    return written;
  }

  /**
   * Read, change, write, and again on a conflict. `change` answers false to write nothing. Answers the cluster as
   * written, or undefined when it is gone.
   */
  async mutate(
    id: string,
    change: (rde: ClusterRde) => boolean | Promise<boolean>,
    attempts = 8,
  ): Promise<StoredCluster | undefined> {
    for (let attempt = 1; ; attempt += 1) {
      const cached = attempt === 1 ? this.#known.get(id) : undefined;
      const stored = cached ? structuredClone(cached) : await this.read(id);
      if (!stored) return undefined;
      let changed: boolean;
      try {
        changed = await change(stored.rde);
      } catch (error) {
        // A decision taken on the cached copy may be stale: take it again on a fresh read.
        if (cached) continue;
        throw error;
      }
      if (!changed) {
        if (cached) continue;
        return stored;
      }
      try {
        return await this.write(stored);
      } catch (error) {
        if (!isConflict(error) || attempt >= attempts) throw error;
        if (!cached) await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
      }
    }
  }

  /** Ids of every cluster entity the service account sees (all orgs). */
  async listIds(): Promise<Array<{ id: string; phase?: string }>> {
    const ids: Array<{ id: string; phase?: string }> = [];
    for (let page = 1; ; page += 1) {
      const result = await listEntities<ClusterEntity>(
        this.vcd,
        { vendor: CLUSTER_VENDOR, nss: CLUSTER_NSS, version: CLUSTER_TYPE_VERSION },
        { page, pageSize: 128 },
      );
      for (const rde of result.values) ids.push({ id: rde.id, phase: rde.entity?.status?.phase });
      if (result.values.length === 0 || page >= result.pageCount) return ids;
    }
  }
}
