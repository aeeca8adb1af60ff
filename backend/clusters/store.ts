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
  constructor(readonly vcd: VcdClient) {}

  async read(id: string): Promise<StoredCluster | undefined> {
    const found = await getEntity<ClusterEntity>(this.vcd, id);
    if (!found) return undefined;
    // The entity API never returns secure fields; drop whatever placeholder VCD put there.
    const entity = found.entity.entity ?? ({} as ClusterEntity);
    const { private: _secret, ...visible } = entity;
    return { rde: { ...found.entity, entity: visible as ClusterEntity }, etag: found.etag };
  }

  /** Writes the whole entity (secure fields omitted: VCD keeps them); answers the new ETag. Throws on 412. */
  async write(stored: StoredCluster): Promise<StoredCluster> {
    const etag = await updateEntity(this.vcd, stored.rde, stored.etag);
    return { rde: stored.rde, etag };
  }

  /** Writes the secure section (only the given keys change). */
  async writeSecrets(stored: StoredCluster, secrets: ClusterEntity['private']): Promise<StoredCluster> {
    const rde = { ...stored.rde, entity: { ...stored.rde.entity, private: secrets } };
    const etag = await updateEntity(this.vcd, rde, stored.etag);
    return { rde: stored.rde, etag };
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
      const stored = await this.read(id);
      if (!stored) return undefined;
      if (!(await change(stored.rde))) return stored;
      try {
        return await this.write(stored);
      } catch (error) {
        if (!isConflict(error) || attempt >= attempts) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
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
