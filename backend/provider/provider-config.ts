/**
 * The one provider settings entity (an RDE of our settings type in the System org, found by name like VCD-KE's
 * `vcdKeConfig`): read, created on the first write, and changed with ETag-guarded writes (a conflicting write is
 * re-applied on a fresh read). Reads for the reconciler go through a short cache that every write through this
 * object clears at once, so this replica never uses a stale value after a write; other replicas see it within
 * `ttlMs`. API reads always read VCD.
 */
import {
  SETTINGS_ENTITY_NAME,
  SETTINGS_NSS,
  SETTINGS_TYPE_ID,
  SETTINGS_TYPE_VERSION,
  SETTINGS_VENDOR,
} from '../../behaviours/settings.ts';
import type { ClustersConfig } from '../config/clusters-schema.ts';
import type { ProviderSettings, ProviderSettingsSource } from '../clusters/provider-settings.ts';
import type { VcdClient } from '../vcd/client.ts';
import { VcdError } from '../vcd/errors.ts';
import { eq } from '../vcd/fiql.ts';
import { updateEntity } from '../vcd/rde-writes.ts';
import { createEntity, getEntity, listEntities, type RdeEntity } from '../vcd/rde.ts';
import { settingsFromConfig, toProviderSettings, type SettingsDocument } from './settings.ts';

export type TemplateLifecycle = 'supported' | 'deprecated' | 'expired';

export interface OrgRef {
  id: string;
  name: string;
}

/** What the provider decided for one TKG template. */
export interface TemplatePublication {
  name?: string;
  lifecycle: TemplateLifecycle;
  expiresAt?: string | null;
  publishedToAll: boolean;
  orgs: OrgRef[];
  updatedAt?: string;
}

export interface ProviderConfigEntity {
  /** Absent until the provider first saves settings. */
  settings?: SettingsDocument;
  /** By vApp template id. */
  templates: Record<string, TemplatePublication>;
}

export interface ProviderConfigSnapshot {
  entity: ProviderConfigEntity;
  /** Absent when the entity does not exist yet. */
  id?: string;
}

const settingsType = { vendor: SETTINGS_VENDOR, nss: SETTINGS_NSS, version: SETTINGS_TYPE_VERSION };

export class ProviderConfig {
  #id?: string;
  #cache?: { at: number; snapshot: Promise<ProviderConfigSnapshot> };

  constructor(
    /** The worker's service account (a System org client). */
    private readonly vcd: VcdClient,
    private readonly options: { ttlMs?: number } = {},
  ) {}

  /** The entity as VCD has it now. */
  async read(): Promise<ProviderConfigSnapshot> {
    const found = await this.#find();
    return found ? { entity: normalise(found.rde.entity), id: found.rde.id } : { entity: { templates: {} } };
  }

  /** The entity, at most `ttlMs` old (the reconciler reads it on every pass). */
  cached(): Promise<ProviderConfigSnapshot> {
    const ttl = this.options.ttlMs ?? 2000;
    const now = Date.now();
    if (!this.#cache || now - this.#cache.at > ttl) {
      const snapshot = this.read();
      this.#cache = { at: now, snapshot };
      snapshot.catch(() => (this.#cache = undefined));
    }
    return this.#cache.snapshot;
  }

  /**
   * Applies `change` to the entity and writes it (creating the entity the first time). `change` gets a fresh copy
   * on every attempt and returns `undefined` to write nothing; it may throw to refuse. `beforeWrite` runs before
   * each write attempt (to change VCD objects the entity describes; the caller undoes them if the write fails).
   */
  async update(
    change: (current: ProviderConfigEntity) => ProviderConfigEntity | undefined,
    beforeWrite?: (next: ProviderConfigEntity) => Promise<void>,
  ): Promise<ProviderConfigEntity> {
    try {
      for (let attempt = 1; ; attempt += 1) {
        const found = await this.#find();
        const current = found ? normalise(found.rde.entity) : { templates: {} };
        const next = change(structuredClone(current));
        if (next === undefined) return current;
        await beforeWrite?.(next);
        if (!found) {
          await this.#create(next);
          return next;
        }
        try {
          // `next` is rebuilt from the settings it knows: `asRead` sends back any secure field it left out.
          await updateEntity(
            this.vcd,
            { ...found.rde, entity: next as unknown as Record<string, unknown> },
            found.etag,
            { asRead: found.rde.entity },
          );
          return next;
        } catch (error) {
          if (error instanceof VcdError && error.status === 412 && attempt < 5) continue;
          throw error;
        }
      }
    } finally {
      this.#cache = undefined;
    }
  }

  async #find(): Promise<{ rde: RdeEntity; etag?: string } | undefined> {
    if (this.#id) {
      const known = await getEntity<Record<string, unknown>>(this.vcd, this.#id);
      if (known) return { rde: known.entity, etag: known.etag };
      this.#id = undefined;
    }
    let page;
    try {
      page = await listEntities<Record<string, unknown>>(this.vcd, settingsType, {
        filter: eq('name', SETTINGS_ENTITY_NAME),
        pageSize: 8,
      });
    } catch (error) {
      // The type is not registered (an install older than the settings entity): nothing saved yet.
      if (error instanceof VcdError && error.status === 404) return undefined;
      throw error;
    }
    const rde = page.values.find((candidate) => candidate.name === SETTINGS_ENTITY_NAME);
    if (!rde) return undefined;
    this.#id = rde.id;
    const fresh = await getEntity<Record<string, unknown>>(this.vcd, rde.id);
    return fresh && { rde: fresh.entity, etag: fresh.etag };
  }

  async #create(entity: ProviderConfigEntity): Promise<void> {
    const id = await createEntity(
      this.vcd,
      SETTINGS_TYPE_ID,
      { name: SETTINGS_ENTITY_NAME, entity },
      { initialPollMs: 10, maxPollMs: 100 },
    );
    this.#id = id;
    // VCD checks the entity against the type's schema when it is resolved.
    await this.vcd
      .post(`/cloudapi/1.0.0/entities/${encodeURIComponent(id)}/resolve`, undefined, {
        allowStatus: [400, 404, 409],
      })
      .catch(() => undefined);
  }
}

function normalise(raw: Record<string, unknown>): ProviderConfigEntity {
  const entity = raw as Partial<ProviderConfigEntity>;
  return {
    ...(entity.settings ? { settings: entity.settings } : {}),
    templates: entity.templates ?? {},
  };
}

/** The settings in force: the entity's once the provider saved some, the worker configuration's until then. */
export function effectiveSettings(entity: ProviderConfigEntity, config: ClustersConfig): SettingsDocument {
  return entity.settings ?? settingsFromConfig(config);
}

/** `ProviderSettingsSource` backed by the settings entity: the worker picks changes up without a restart. */
export function entitySettingsSource(
  providerConfig: ProviderConfig,
  config: ClustersConfig,
  vcdUrl: string,
): ProviderSettingsSource {
  return {
    async current(): Promise<ProviderSettings> {
      const { entity } = await providerConfig.cached();
      return toProviderSettings(effectiveSettings(entity, config), config, vcdUrl);
    },
  };
}
