import { addRight } from '../../world/seed-access.ts';
import { seedBuiltInInterfaces } from './built-in-interfaces.ts';
import type { Collection, JsonObject, JsonValue } from '../../world/json.ts';
import { defineSlice } from '../../world/slices.ts';
import type { WorldStore } from '../../world/store.ts';
import type { World } from '../../world/world.ts';

/** VCD's RDE interface (`/cloudapi/1.0.0/interfaces`). */
export interface RdeInterface {
  id: string;
  name: string;
  description: string | null;
  vendor: string;
  nss: string;
  version: string;
  readonly: boolean;
}

export type LifecycleHook = 'PostCreate' | 'PostUpdate' | 'PreDelete' | 'PostDelete';

/** VCD's defined entity type (`/cloudapi/1.0.0/entityTypes`). */
export interface EntityType {
  id: string;
  name: string;
  description: string | null;
  vendor: string;
  nss: string;
  version: string;
  externalId: string | null;
  inheritedVersion: string | null;
  schema: JsonObject;
  interfaces: string[];
  hooks: Partial<Record<LifecycleHook, string>> | null;
  readonly: boolean;
  maxImplicitRight: string | null;
}

export type EntityState = 'PRE_CREATED' | 'RESOLVED' | 'RESOLUTION_ERROR' | 'IN_DELETION';

/** A defined entity as stored; secure fields are kept in clear (the simulator does not encrypt). */
export interface DefinedEntity {
  id: string;
  entityType: string;
  name: string;
  externalId: string | null;
  entity: JsonObject;
  entityState: EntityState;
  /** Why the last resolve failed (RESOLUTION_ERROR), else null. */
  message: string | null;
  creationDate: string;
  lastModificationDate: string;
  owner: { id: string; name: string };
  org: { id: string; name: string };
}

export type AccessLevelId =
  | 'urn:vcloud:accessLevel:ReadOnly'
  | 'urn:vcloud:accessLevel:ReadWrite'
  | 'urn:vcloud:accessLevel:FullControl';

/** An entity or type ACL entry (`accessControls`). */
export interface AccessControlEntry {
  id: string;
  tenant: { id: string; name: string };
  grantType: 'MembershipAccessControlGrant' | 'RightAccessControlGrant';
  objectId: string;
  accessLevelId: AccessLevelId;
  memberId: string | null;
  rightId: string | null;
}

export interface BehaviorExecution {
  type: string;
  id?: string;
  execution_properties?: { [key: string]: JsonValue };
  [key: string]: JsonValue | undefined;
}

/** A behaviour of an interface, or a type's override of one (then `ownerId` is the type). */
export interface Behavior {
  id: string;
  ref: string;
  name: string;
  description: string | null;
  execution: BehaviorExecution;
  /** Interface or type id the behaviour belongs to. */
  ownerId: string;
}

export interface BehaviorAccess {
  behaviorId: string;
  accessLevelId: AccessLevelId;
}

export interface RdeState {
  interfaces: Collection<RdeInterface>;
  entityTypes: Collection<EntityType>;
  entities: Collection<DefinedEntity>;
  /** ACL entries by object (entity or type) id, then by ACL id. */
  accessControls: Collection<Collection<AccessControlEntry>>;
  /** Interface behaviours and type overrides, by behaviour id. */
  behaviors: Collection<Behavior>;
  /** Behaviour access entries by type id. */
  behaviorAccess: Collection<BehaviorAccess[]>;
}

/** Rights the RDE definition endpoints check (provider only; names as VCD's UI shows them). */
export const definitionRights = {
  view: 'View custom entity definitions',
  create: 'Create new custom entity definition',
  edit: 'Edit custom entity definition',
  delete: 'Delete custom entity definition',
} as const;

function seedRde(state: RdeState, world: World, ids: WorldStore['ids']): void {
  for (const name of Object.values(definitionRights)) {
    addRight(world, ids, { name, category: 'Custom Entity', providerOnly: true });
  }
  seedBuiltInInterfaces(state);
}

export const rdeSlice = defineSlice(
  'rde',
  (): RdeState => ({
    interfaces: {},
    entityTypes: {},
    entities: {},
    accessControls: {},
    behaviors: {},
    behaviorAccess: {},
  }),
  seedRde,
);

/**
 * Entity ids by type and org, so a list reads only the entities of one type in the caller's
 * org instead of scanning every entity. Built lazily, dropped when the world is replaced.
 */
export class EntityIndex {
  #byType: Map<string, Map<string, Set<string>>> | undefined;

  constructor(private readonly store: WorldStore) {
    store.onReplaced(() => (this.#byType = undefined));
  }

  #index(): Map<string, Map<string, Set<string>>> {
    if (!this.#byType) {
      this.#byType = new Map();
      for (const entity of Object.values(rdeSlice.of(this.store.world).entities)) this.#put(entity);
    }
    return this.#byType;
  }

  #put(entity: DefinedEntity): void {
    const byOrg = this.#byType!.get(entity.entityType) ?? new Map<string, Set<string>>();
    this.#byType!.set(entity.entityType, byOrg);
    const ids = byOrg.get(entity.org.id) ?? new Set<string>();
    byOrg.set(entity.org.id, ids);
    ids.add(entity.id);
  }

  add(entity: DefinedEntity): void {
    this.#index();
    this.#put(entity);
  }

  remove(entity: DefinedEntity): void {
    this.#index().get(entity.entityType)?.get(entity.org.id)?.delete(entity.id);
  }

  /** Entity ids of a type; in one org, or in every org when `orgId` is undefined. */
  *ids(typeId: string, orgId: string | undefined): Iterable<string> {
    const byOrg = this.#index().get(typeId);
    if (!byOrg) return;
    if (orgId !== undefined) {
      yield* byOrg.get(orgId) ?? [];
      return;
    }
    for (const ids of byOrg.values()) yield* ids;
  }

  countOfType(typeId: string): number {
    let count = 0;
    for (const ids of this.#index().get(typeId)?.values() ?? []) count += ids.size;
    return count;
  }
}
