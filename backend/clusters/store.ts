/**
 * Reading and writing cluster entities as the worker's service account: every write carries the ETag it read
 * (`If-Match`), so two replicas (or the API and the reconciler) never overwrite each other; a 412 means "read
 * again and decide again". `mutate` does that loop for small, commutative changes (an event, a report).
 *
 * Secure fields (the `private` section) travel as VCD served them: masked from API 38.0, where a PUT without them
 * would delete them, absent before (`backend/vcd/rde-secure-fields.ts`). What this store keeps between calls is
 * VCD's own rendering, so a secret the worker wrote in clear is never held here.
 */
import { CLUSTER_NSS, CLUSTER_TYPE_VERSION, CLUSTER_VENDOR } from '../../behaviours/index.ts';
import type { VcdClient } from '../vcd/client.ts';
import { VcdError } from '../vcd/errors.ts';
import { getEntity, listEntities, type RdeEntity } from '../vcd/rde.ts';
import { adoptMasks } from '../vcd/rde-secure-fields.ts';
import { updateEntity, type UpdatedEntity } from '../vcd/rde-writes.ts';
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
    const stored = { rde: found.entity, etag: found.etag };
    this.#known.set(id, structuredClone(stored));
    return structuredClone(stored);
  }

  forget(id: string): void {
    this.#known.delete(id);
  }

  /**
   * Writes the whole entity, secure fields as read (a field set to a value replaces it, `null` deletes it); answers
   * the new ETag with the same `rde`, whose secure values VCD answered masked are masked again. Throws on 412.
   * `hooks: false` (the reconciler's own progress) skips the PostUpdate hook where VCD allows it.
   */
  async write(stored: StoredCluster, options: { hooks?: boolean } = {}): Promise<StoredCluster> {
    const known = this.#known.get(stored.rde.id);
    // Masks read at this ETag, in case the change dropped a secure field instead of setting it to null.
    const asRead = known && known.etag === stored.etag ? known.rde.entity : undefined;
    let updated: UpdatedEntity<ClusterEntity> | undefined;
    if (options.hooks === false && this.#hooklessWrites) {
      try {
        updated = await updateEntity(this.vcd, stored.rde, stored.etag, { invokeHooks: false, asRead });
      } catch (error) {
        if (!(error instanceof VcdError) || error.status !== 403) throw error;
        this.#hooklessWrites = false;
      }
    }
    updated ??= await updateEntity(this.vcd, stored.rde, stored.etag, { asRead });
    const served = updated.served?.entity;
    if (served) adoptMasks(stored.rde.entity, served);
    const written = { rde: stored.rde, etag: updated.etag };
    if (served && updated.etag) {
      this.#known.set(stored.rde.id, structuredClone({ rde: updated.served!, etag: updated.etag }));
    } else this.#known.delete(stored.rde.id);
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
