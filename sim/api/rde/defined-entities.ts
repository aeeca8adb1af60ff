import type { SimContext } from '../../context.ts';
import { canSeeOrg, type Principal } from '../../http/auth.ts';
import { bumpVersion, forgetVersion } from '../../http/etag.ts';
import { fail } from '../../http/errors.ts';
import { uuidOf } from '../../world/ids.ts';
import type { JsonObject } from '../../world/json.ts';
import {
  EntityIndex,
  rdeSlice,
  type AccessControlEntry,
  type Behavior,
  type DefinedEntity,
  type EntityType,
  type RdeState,
} from './rde-state.ts';
import { masksSecureFields, readableContents, restrictedPaths } from './restricted-fields.ts';
import { validationError } from './schema-validation.ts';
import { entityAccessLevel, type AccessLevel } from './type-access.ts';

/** The served entity: VCD's DefinedEntity JSON (`state` is the pre-10.5 name of `entityState`). */
export interface DefinedEntityJson {
  id: string;
  entityType: string;
  name: string;
  externalId: string | null;
  entity: JsonObject;
  state: string;
  entityState: string;
  message: string | null;
  creationDate: string;
  lastModificationDate: string;
  owner: { id: string; name: string };
  org: { id: string; name: string };
}

/**
 * The RDE area's model: lookups, the by-type/org index, access levels, rendering with
 * restricted fields hidden, and resolution against the type's schema.
 */
export class DefinedEntities {
  readonly index: EntityIndex;

  constructor(private readonly ctx: SimContext) {
    this.index = new EntityIndex(ctx.store);
  }

  get state(): RdeState {
    return rdeSlice.of(this.ctx.store.world);
  }

  typeOr404(id: string): EntityType {
    const type = this.state.entityTypes[id];
    if (!type) fail('notFound', { kind: 'Entity type', id });
    return type;
  }

  /** The entity if it exists and is in an org the caller may see (else VCD's 404). */
  visibleEntity(principal: Principal, id: string): { entity: DefinedEntity; type: EntityType } {
    const entity = this.state.entities[id];
    const type = entity ? this.state.entityTypes[entity.entityType] : undefined;
    if (!entity || !type || !canSeeOrg(principal, entity.org.id)) fail('notFound', { kind: 'Entity', id });
    return { entity, type };
  }

  aclsOf(objectId: string): AccessControlEntry[] {
    return Object.values(this.state.accessControls[objectId] ?? {});
  }

  accessLevel(principal: Principal, entity: DefinedEntity, type: EntityType): AccessLevel {
    return entityAccessLevel(this.ctx, principal, type, this.aclsOf(entity.id));
  }

  add(entity: DefinedEntity): void {
    this.state.entities[entity.id] = entity;
    this.index.add(entity);
    this.ctx.store.changed();
  }

  remove(entity: DefinedEntity): void {
    delete this.state.entities[entity.id];
    delete this.state.accessControls[entity.id];
    this.index.remove(entity);
    forgetVersion(this.ctx.store, entity.id);
    this.ctx.store.changed();
  }

  /** Records a change the simulator made itself (resolve, hook outcome): new ETag, saved. */
  touched(entity: DefinedEntity): void {
    entity.lastModificationDate = this.ctx.clock.iso();
    bumpVersion(this.ctx.store, entity.id);
    this.ctx.store.changed();
  }

  /** `null` when the contents match the type's schema, else the first error naming the field. */
  validate(type: EntityType, contents: JsonObject): string | null {
    return validationError(type.schema, contents);
  }

  /** Validates the contents: RESOLVED, or RESOLUTION_ERROR with the schema's message. */
  resolve(entity: DefinedEntity, type: EntityType): DefinedEntity {
    const error = validationError(type.schema, entity.entity);
    entity.entityState = error === null ? 'RESOLVED' : 'RESOLUTION_ERROR';
    entity.message =
      error === null ? null : `Entity ${entity.id} does not match the schema of ${type.id}: ${error}`;
    this.touched(entity);
    return entity;
  }

  markResolutionError(entity: DefinedEntity, message: string): void {
    entity.entityState = 'RESOLUTION_ERROR';
    entity.message = message;
    this.touched(entity);
  }

  render(entity: DefinedEntity, type: EntityType, level: AccessLevel, apiVersion: string): DefinedEntityJson {
    const contents = readableContents(entity.entity, restrictedPaths(type.schema), {
      fullControl: level >= 3,
      secure: masksSecureFields(apiVersion) ? 'mask' : 'omit',
    });
    return {
      id: entity.id,
      entityType: entity.entityType,
      name: entity.name,
      externalId: entity.externalId,
      entity: contents,
      state: entity.entityState === 'IN_DELETION' ? 'RESOLVED' : entity.entityState,
      entityState: entity.entityState,
      message: entity.message,
      creationDate: entity.creationDate,
      lastModificationDate: entity.lastModificationDate,
      owner: entity.owner,
      org: entity.org,
    };
  }

  /** A behaviour by id as the type sees it: its own override of an interface behaviour wins. */
  effectiveBehavior(type: EntityType, behaviorId: string): Behavior | undefined {
    const behaviors = this.state.behaviors;
    const direct = behaviors[behaviorId];
    if (!direct) return undefined;
    const ref = direct.ref;
    // A behaviour of an interface the type does not implement runs when the type grants access to it: CSE 4.2's
    // installation grants `getFullEntity` of `cse:capvcd:1.0.0` on `vmware:capvcdCluster:1.3.0` (which implements
    // only `vmware:k8s:1.0.0`), and go-vcloud-director invokes it on cluster entities (`govcd/cse.go`).
    const granted = (this.state.behaviorAccess[type.id] ?? []).some((entry) => entry.behaviorId === ref);
    if (!granted && !type.interfaces.some((iface) => behaviors[ref]?.ownerId === iface)) return undefined;
    if (direct.ownerId === type.id) return direct;
    if (direct.ownerId !== behaviors[ref]?.ownerId) return undefined; // another type's override
    return (
      Object.values(behaviors).find((candidate) => candidate.ownerId === type.id && candidate.ref === ref) ??
      direct
    );
  }

  /** Task ids in headers are bare UUIDs; entity ids keep their URN. */
  static taskUuid(taskId: string): string {
    return uuidOf(taskId) ?? taskId;
  }
}
