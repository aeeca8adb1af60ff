/**
 * The MQTT leadership record, kept in VCD as an entity of the worker lease type (`behaviours/leader-lease.ts`) in
 * the System org, one per extension, found by name. Reads give the record with its ETag; writes are guarded with
 * `If-Match`, so of two replicas writing the same version exactly one wins (VCD answers the other 412).
 *
 * VCD does not keep entity names unique, so two replicas starting at once on a fresh install may each create a
 * record. Every read lists the records of that name and uses the oldest (creation date, then id): a replica that
 * created a younger one deletes it, and all replicas meet on the same record.
 */
import type { Logger } from 'pino';
import { LEASE_NSS, LEASE_TYPE_ID, LEASE_TYPE_VERSION, LEASE_VENDOR } from '../../behaviours/leader-lease.ts';
import type { VcdClient } from '../vcd/client.ts';
import { VcdError } from '../vcd/errors.ts';
import { eq } from '../vcd/fiql.ts';
import { pageQuery } from '../vcd/paging.ts';
import { createEntity, deleteEntity, type RdeEntity } from '../vcd/rde.ts';
import { keepSecureFields } from '../vcd/rde-secure-fields.ts';

export interface LeaseRecord {
  /** Worker id of the replica that answers; empty while the lease is free. */
  holder: string;
  /** Random id of the holding process (a restarted replica with the same worker id is someone else). */
  session: string;
  /** The holder's lease duration: how long others wait after its last renewal. */
  leaseMs: number;
  acquiredAt?: string;
  renewedAt?: string;
  expiresAt?: string;
  transitions: number;
}

export interface LeaseVersion {
  record: LeaseRecord;
  etag: string;
}

/** Where the leadership record lives; `backend/bus/mqtt-leadership.ts` only needs these two calls. */
export interface LeaseStore {
  /** The record as stored now (created free the first time). */
  read(): Promise<LeaseVersion>;
  /** Writes `record` over the version `etag`; `undefined` when someone else wrote first. */
  write(record: LeaseRecord, etag: string): Promise<LeaseVersion | undefined>;
}

export const freeLease: LeaseRecord = { holder: '', session: '', leaseMs: 0, transitions: 0 };

const API = '/cloudapi/1.0.0';
const enc = encodeURIComponent;
const listPath = `${API}/entities/types/${enc(LEASE_VENDOR)}/${enc(LEASE_NSS)}/${enc(LEASE_TYPE_VERSION)}`;

type LeaseEntity = RdeEntity<Record<string, unknown>>;

export interface VcdLeaseStoreOptions {
  /** The entity's name (`mqttLeaderLeaseName`). */
  name: string;
  /** Per-call timeout; a call that takes longer than a lease round is worth nothing. */
  timeoutMs: number;
  logger: Logger;
}

export class VcdLeaseStore implements LeaseStore {
  /** The entity last read, for the PUT body (VCD wants the whole entity back). */
  #current?: LeaseEntity;

  constructor(
    private readonly vcd: VcdClient,
    private readonly options: VcdLeaseStoreOptions,
  ) {}

  async read(): Promise<LeaseVersion> {
    for (let attempt = 1; ; attempt += 1) {
      const id = (await this.#oldest()) ?? (await this.#create());
      const response = await this.vcd.get<LeaseEntity>(`${API}/entities/${enc(id)}`, {
        ...this.#call(),
        allowStatus: [404],
      });
      // Deleted between the list and the read (uninstall, or a duplicate removed): list again.
      if (response.status === 404 && attempt < 3) continue;
      if (response.status === 404)
        throw new VcdError(404, 'RESOURCE_NOT_FOUND', `lease record ${id} vanished`);
      if (!response.etag) {
        throw new VcdError(
          0,
          'NO_ETAG',
          'VCD sent no ETag with the leadership record; leader election needs ETags on entities (API 36.0 or later)',
        );
      }
      this.#current = response.body;
      return { record: leaseRecordOf(response.body.entity), etag: response.etag };
    }
  }

  async write(record: LeaseRecord, etag: string): Promise<LeaseVersion | undefined> {
    const current = this.#current;
    if (!current) throw new Error('read the lease record before writing it');
    // The record is rebuilt from its fields: any secure field of the entity goes back as read, so VCD keeps it.
    const entity = keepSecureFields(current.entity, { ...record } as Record<string, unknown>);
    const body = { ...current, entity };
    let response;
    try {
      response = await this.vcd.put<LeaseEntity>(`${API}/entities/${enc(current.id)}`, body, {
        ...this.#call(),
        ifMatch: etag,
      });
    } catch (error) {
      if (error instanceof VcdError && error.status === 412) return undefined;
      throw error;
    }
    this.#current = response.body?.id ? response.body : body;
    if (response.etag) return { record, etag: response.etag };
    // No ETag on the answer: read it back, and trust it only if what is stored is still our write.
    const again = await this.read();
    return sameRecord(again.record, record) ? again : undefined;
  }

  #call(): { timeoutMs: number; retry: 'never' } {
    // Never retried inside the client: the election paces its own attempts and must not act on a stale read.
    return { timeoutMs: this.options.timeoutMs, retry: 'never' };
  }

  /** The id of the oldest record of our name, deleting younger duplicates this process created. */
  async #oldest(created?: string): Promise<string | undefined> {
    const response = await this.vcd.get<{ values?: LeaseEntity[] }>(listPath, {
      ...this.#call(),
      query: pageQuery({ filter: eq('name', this.options.name), pageSize: 32 }),
    });
    const records = (response.body?.values ?? []).filter((entity) => entity.name === this.options.name);
    records.sort(
      (a, b) =>
        (a.creationDate ?? '').localeCompare(b.creationDate ?? '') ||
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
    const oldest = records[0]?.id;
    if (created && oldest && created !== oldest) {
      this.options.logger.info(
        { kept: oldest, removed: created },
        'another replica created the lease record first',
      );
      await deleteEntity(this.vcd, created, { timeoutMs: this.options.timeoutMs }).catch(() => undefined);
    }
    return oldest;
  }

  async #create(): Promise<string> {
    let id: string;
    try {
      id = await createEntity(
        this.vcd,
        LEASE_TYPE_ID,
        { name: this.options.name, entity: { ...freeLease } },
        { initialPollMs: 10, maxPollMs: 100, timeoutMs: this.options.timeoutMs },
      );
    } catch (error) {
      if (error instanceof VcdError && error.status === 404) {
        throw new VcdError(
          404,
          error.minorErrorCode,
          `the worker lease entity type ${LEASE_TYPE_ID} is not registered in VCD; run cse install (it registers it)`,
          error.operation,
        );
      }
      throw error;
    }
    // Resolved, so VCD checks it against the type's schema and a duplicate can be deleted.
    await this.vcd
      .post(`${API}/entities/${enc(id)}/resolve`, undefined, {
        ...this.#call(),
        allowStatus: [400, 404, 409],
      })
      .catch(() => undefined);
    this.options.logger.info({ id, name: this.options.name }, 'created the MQTT leadership record');
    return (await this.#oldest(id)) ?? id;
  }
}

/** The record from what VCD stores, defensively: anything unreadable counts as a free lease. */
export function leaseRecordOf(raw: Record<string, unknown> | undefined): LeaseRecord {
  const text = (key: string): string | undefined => {
    const value = raw?.[key];
    return typeof value === 'string' ? value : undefined;
  };
  const whole = (key: string): number => {
    const value = raw?.[key];
    return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : 0;
  };
  const record: LeaseRecord = {
    holder: text('holder') ?? '',
    session: text('session') ?? '',
    leaseMs: whole('leaseMs'),
    transitions: whole('transitions'),
  };
  for (const key of ['acquiredAt', 'renewedAt', 'expiresAt'] as const) {
    const value = text(key);
    if (value !== undefined) record[key] = value;
  }
  return record;
}

function sameRecord(a: LeaseRecord, b: LeaseRecord): boolean {
  return a.session === b.session && a.holder === b.holder && a.renewedAt === b.renewedAt;
}
