import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { SimContext } from '../../context.ts';
import { canSeeOrg, principalOf, type Principal } from '../../http/auth.ts';
import { parseBody } from '../../http/body.ts';
import { forgetVersion, guardedUpdate, sendEtag } from '../../http/etag.ts';
import { fail, VcdHttpError } from '../../http/errors.ts';
import { pageOf } from '../../http/paging.ts';
import type { JsonObject } from '../../world/json.ts';
import type { BehaviorInvoker } from './behavior-invoker.ts';
import { DefinedEntities, type DefinedEntityJson } from './defined-entities.ts';
import { jsonObject } from './definition-schemas.ts';
import { hasTypeFullControl } from './entity-types.ts';
import { grantAccess, accessControlRoutes } from './access-controls.ts';
import type { LifecycleHooks } from './lifecycle-hooks.ts';
import { rdeSlice, type DefinedEntity, type EntityType } from './rde-state.ts';
import {
  failRestricted,
  masksSecureFields,
  mergeWrite,
  readableContents,
  restrictedPaths,
} from './restricted-fields.ts';
import { aclLevel, assertLevel, entityAccessLevel, levelOf, typeRightNames } from './type-access.ts';
import { entityUrn, refOfTypeBehavior } from './urns.ts';

/** Route parameters (the paths are built from constants, so express cannot infer them). */
type Params = Record<string, string>;

const ref = z.object({ id: z.string().nullish(), name: z.string().nullish() }).strict();

/** The served shape may be sent back as is: read-only fields are accepted and ignored. */
const entityInput = z
  .object({
    id: z.string().nullish(),
    entityType: z.string().nullish(),
    name: z.string().min(1).max(255),
    externalId: z.string().max(255).nullish(),
    entity: jsonObject,
    state: z.string().nullish(),
    entityState: z.enum(['PRE_CREATED', 'RESOLVED', 'RESOLUTION_ERROR', 'IN_DELETION']).nullish(),
    message: z.string().nullish(),
    creationDate: z.string().nullish(),
    lastModificationDate: z.string().nullish(),
    owner: ref.nullish(),
    org: ref.nullish(),
  })
  .strict();

const invocationInput = z
  .object({ arguments: jsonObject.nullish(), metadata: jsonObject.nullish() })
  .strict();

function booleanQuery(req: Request, name: string, fallback: boolean): boolean {
  const raw = req.query[name];
  if (raw === undefined) return fallback;
  const text = String(Array.isArray(raw) ? raw[0] : raw).toLowerCase();
  if (text !== 'true' && text !== 'false')
    fail('invalidQueryParameter', { name, value: text, reason: 'expected true or false' });
  return text === 'true';
}

/**
 * Entities: create (`POST /entityTypes/{id}`, a task), get with ETag, update with If-Match,
 * delete, resolve, lists per type or interface, entity ACLs and behaviour invocations.
 */
export function entitiesRoutes(
  ctx: SimContext,
  entities: DefinedEntities,
  invoker: BehaviorInvoker,
  hooks: LifecycleHooks,
): Router {
  const router = Router();
  const base = '/cloudapi/1.0.0/entities';
  const state = () => rdeSlice.of(ctx.store.world);
  const operation = (req: Request) => `${req.method} ${req.path}`;

  /** `invokeHooks=false` skips hooks; only callers with a Full Control ACL on the type may ask. */
  const invokeHooks = (req: Request, principal: Principal, type: EntityType) => {
    const invoke = booleanQuery(req, 'invokeHooks', true);
    if (!invoke && !hasTypeFullControl(ctx, principal, type)) {
      fail('missingRight', {
        rights: `a Full Control ACL on entity type ${type.id}`,
        operation: `${operation(req)}?invokeHooks=false`,
      });
    }
    return invoke;
  };

  // ---- create -----------------------------------------------------------------------------
  router.post('/cloudapi/1.0.0/entityTypes/:id', (req: Request<Params>, res) => {
    const principal = principalOf(req);
    const type = entities.typeOr404(req.params.id);
    const names = typeRightNames(type);
    const has = (right: string) => principal.rights.has(right);
    if (!has(names.modify) && !has(names.fullControl) && !has(names.adminFullControl)) {
      fail('missingRight', {
        rights: `${names.modify} or ${names.adminFullControl}`,
        operation: operation(req),
      });
    }
    const input = parseBody(entityInput, req.body);
    const runHooks = invokeHooks(req, principal, type);
    const resolveEntity = booleanQuery(req, 'resolveEntity', false);
    // The creator becomes the owner with a Full Control ACL, so its type right decides.
    const fullControl = has(names.fullControl) || has(names.adminFullControl);
    const contents = mergeWrite({}, input.entity, restrictedPaths(type.schema), {
      fullControl,
      masked: masksSecureFields(req.apiVersion),
      forbidden: (field) => failRestricted(field, names.fullControl),
    });
    const now = ctx.clock.iso();
    const entity: DefinedEntity = {
      id: entityUrn(type, ctx.store.ids.uuid()),
      entityType: type.id,
      name: input.name,
      externalId: input.externalId ?? null,
      entity: contents,
      entityState: 'PRE_CREATED',
      message: null,
      creationDate: now,
      lastModificationDate: now,
      owner: { id: principal.user.id, name: principal.user.name },
      org: { id: principal.effectiveOrg.id, name: principal.effectiveOrg.name },
    };
    entities.add(entity);
    grantAccess(ctx, entity.id, entity.org, principal.user.id, 'urn:vcloud:accessLevel:FullControl');
    const hookTask = runHooks ? hooks.afterCreate(entity, type, principal, req.apiVersion) : undefined;
    const task =
      hookTask ??
      ctx.tasks.start({
        operation: `Creating entity ${entity.name} of type ${type.id}`,
        operationName: 'createDefinedEntity',
        owner: { id: entity.id, name: entity.name, type: 'application/json' },
        org: entity.org,
        user: principal.user,
        work: async () => {
          const current = state().entities[entity.id];
          if (resolveEntity && current) entities.resolve(current, type);
        },
      });
    ctx.tasks.accepted(res, task, ctx.publicUrl());
  });

  // ---- lists (before /:id) ------------------------------------------------------------------
  const listTypes = (req: Request, res: Response, types: EntityType[]) => {
    const principal = principalOf(req);
    const allOrgs = principal.isProvider && !principal.actingInTenant;
    const orgId = allOrgs ? undefined : principal.effectiveOrg.id;
    const all = state().entities;
    const served: DefinedEntityJson[] = [];
    for (const type of types) {
      for (const id of entities.index.ids(type.id, orgId)) {
        const entity = all[id];
        if (!entity || !canSeeOrg(principal, entity.org.id)) continue;
        const level = entities.accessLevel(principal, entity, type);
        if (level >= 1) served.push(entities.render(entity, type, level, req.apiVersion));
      }
    }
    res.json(pageOf(req, res, served));
  };
  router.get(`${base}/types/:vendor/:nss/:version`, (req: Request<Params>, res) => {
    const { vendor, nss, version } = req.params;
    const type = state().entityTypes[`urn:vcloud:type:${vendor}:${nss}:${version}`];
    listTypes(req, res, type ? [type] : []);
  });
  router.get(`${base}/types/:vendor/:nss`, (req: Request<Params>, res) => {
    const { vendor, nss } = req.params;
    listTypes(
      req,
      res,
      Object.values(state().entityTypes).filter((type) => type.vendor === vendor && type.nss === nss),
    );
  });
  router.get(`${base}/interfaces/:vendor/:nss/:version`, (req: Request<Params>, res) => {
    const { vendor, nss, version } = req.params;
    const interfaceId = `urn:vcloud:interface:${vendor}:${nss}:${version}`;
    listTypes(
      req,
      res,
      Object.values(state().entityTypes).filter((type) => type.interfaces.includes(interfaceId)),
    );
  });

  // ---- one entity -----------------------------------------------------------------------------
  router.get(`${base}/:id`, (req: Request<Params>, res) => {
    const principal = principalOf(req);
    const { entity, type } = entities.visibleEntity(principal, req.params.id);
    const level = entities.accessLevel(principal, entity, type);
    assertLevel(level, 1, type, operation(req));
    sendEtag(ctx.store, res, entity.id);
    res.json(entities.render(entity, type, level, req.apiVersion));
  });

  /** Secure fields in clear, for callers with an explicit Full Control ACL (VCD audits this call). */
  router.get(`${base}/:id/fullContents`, (req: Request<Params>, res) => {
    const principal = principalOf(req);
    const { entity, type } = entities.visibleEntity(principal, req.params.id);
    const explicit = Math.min(
      aclLevel(ctx, principal, entities.aclsOf(entity.id)),
      entities.accessLevel(principal, entity, type),
    );
    assertLevel(explicit as 0 | 1 | 2 | 3, 3, type, operation(req));
    sendEtag(ctx.store, res, entity.id);
    const json = entities.render(entity, type, 3, req.apiVersion);
    json.entity = readableContents(entity.entity, restrictedPaths(type.schema), {
      fullControl: true,
      secure: 'reveal',
    });
    res.json(json);
  });

  router.put(`${base}/:id`, async (req: Request<Params>, res) => {
    const principal = principalOf(req);
    const { entity: found, type: foundType } = entities.visibleEntity(principal, req.params.id);
    assertLevel(entities.accessLevel(principal, found, foundType), 2, foundType, operation(req));
    const input = parseBody(entityInput, req.body);
    const runHooks = invokeHooks(req, principal, foundType);
    const updated = await guardedUpdate(ctx.store, req, res, found.id, () => {
      const { entity, type: currentType } = entities.visibleEntity(principal, req.params.id);
      const level = entities.accessLevel(principal, entity, currentType);
      assertLevel(level, 2, currentType, operation(req));
      let type = currentType;
      if (input.entityType && input.entityType !== entity.entityType) {
        const target = state().entityTypes[input.entityType];
        if (!target || target.vendor !== type.vendor || target.nss !== type.nss) {
          fail('badRequest', {
            reason: `An entity can only move to another version of ${type.vendor}:${type.nss}.`,
          });
        }
        type = target;
      }
      const names = typeRightNames(type);
      const contents = mergeWrite(entity.entity, input.entity, restrictedPaths(type.schema), {
        fullControl: level >= 3,
        masked: masksSecureFields(req.apiVersion),
        forbidden: (field) => failRestricted(field, names.fullControl),
      });
      if (entity.entityState === 'RESOLVED') {
        const error = entities.validate(type, contents);
        if (error)
          fail('badRequest', {
            reason: `Entity ${entity.id} does not match the schema of ${type.id}: ${error}`,
          });
      }
      if (input.owner?.id && input.owner.id !== entity.owner.id) {
        if (entity.owner.id !== principal.user.id && !principal.rights.has(names.adminFullControl)) {
          fail('missingRight', {
            rights: names.adminFullControl,
            operation: 'change the owner of an entity',
          });
        }
        const user = ctx.store.world.users[input.owner.id];
        if (!user || user.orgId !== entity.org.id)
          fail('badRequest', { reason: `User ${input.owner.id} is not in org ${entity.org.name}.` });
        entity.owner = { id: user.id, name: user.username };
      }
      if (type.id !== entity.entityType) {
        entities.index.remove(entity);
        entity.entityType = type.id;
        entities.index.add(entity);
      }
      entity.name = input.name;
      if (input.externalId !== undefined) entity.externalId = input.externalId;
      entity.entity = contents;
      if (input.entityState === 'IN_DELETION') entity.entityState = 'IN_DELETION';
      entity.lastModificationDate = ctx.clock.iso();
      ctx.store.changed();
      return { entity, type, level };
    });
    if (runHooks) {
      const task = hooks.afterUpdate(updated.entity, updated.type, principal, req.apiVersion);
      if (task)
        res.setHeader(
          'X-VMWARE-VCLOUD-TASK-LOCATION',
          `${ctx.publicUrl()}/api/task/${DefinedEntities.taskUuid(task.id)}`,
        );
    }
    res.json(entities.render(updated.entity, updated.type, updated.level, req.apiVersion));
  });

  router.delete(`${base}/:id`, async (req: Request<Params>, res) => {
    const principal = principalOf(req);
    const { entity: found, type: foundType } = entities.visibleEntity(principal, req.params.id);
    assertLevel(entities.accessLevel(principal, found, foundType), 3, foundType, operation(req));
    const runHooks = invokeHooks(req, principal, foundType);
    const started = await guardedUpdate(ctx.store, req, res, found.id, () => {
      const { entity, type } = entities.visibleEntity(principal, req.params.id);
      if (entity.entityState === 'PRE_CREATED') {
        fail('badRequest', { reason: `Entity ${entity.id} is PRE_CREATED; resolve it before deleting it.` });
      }
      const task = runHooks ? hooks.deleteWithHooks(entity, type, principal, req.apiVersion) : undefined;
      if (!task) entities.remove(entity);
      return task;
    });
    if (started) ctx.tasks.accepted(res, started, ctx.publicUrl());
    else {
      forgetVersion(ctx.store, found.id);
      res.status(204).end();
    }
  });

  router.post(`${base}/:id/resolve`, (req: Request<Params>, res) => {
    const principal = principalOf(req);
    const { entity, type } = entities.visibleEntity(principal, req.params.id);
    const level = entities.accessLevel(principal, entity, type);
    assertLevel(level, 2, type, operation(req));
    if (entity.entityState === 'IN_DELETION')
      fail('badRequest', { reason: `Entity ${entity.id} is being deleted.` });
    entities.resolve(entity, type);
    sendEtag(ctx.store, res, entity.id);
    res.json(entities.render(entity, type, level, req.apiVersion));
  });

  accessControlRoutes(ctx, router, `${base}/:id/accessControls`, (req) => {
    const principal = principalOf(req);
    const { entity, type } = entities.visibleEntity(principal, req.params.id);
    const level = () => entityAccessLevel(ctx, principal, type, entities.aclsOf(entity.id));
    return {
      objectId: entity.id,
      tenant: entity.org,
      assertCanView: () => assertLevel(level(), 1, type, operation(req)),
      assertCanEdit: (_caller, wanted) => {
        const mine = level();
        assertLevel(mine, 2, type, operation(req));
        assertLevel(mine, Math.max(2, wanted) as 2 | 3, type, operation(req));
      },
    };
  });

  // ---- behaviour invocation ---------------------------------------------------------------------
  router.post(`${base}/:id/behaviors/:behaviorId/invocations`, (req: Request<Params>, res) => {
    const principal = principalOf(req);
    const { entity, type } = entities.visibleEntity(principal, req.params.id);
    const level = entities.accessLevel(principal, entity, type);
    assertLevel(level, 1, type, operation(req));
    const behavior = entities.effectiveBehavior(type, req.params.behaviorId);
    if (!behavior) fail('notFound', { kind: 'Behavior', id: req.params.behaviorId });
    const input = req.body === undefined ? {} : parseBody(invocationInput, req.body);
    const ref = refOfTypeBehavior(behavior.id) ?? behavior.ref;
    const access = (state().behaviorAccess[type.id] ?? []).find(
      (entry) => entry.behaviorId === behavior.id || entry.behaviorId === ref,
    );
    if (!access) {
      throw new VcdHttpError(
        403,
        'ACCESS_TO_RESOURCE_IS_FORBIDDEN',
        `Behavior ${behavior.id} has no access control entry on entity type ${type.id}; it cannot be invoked.`,
      );
    }
    assertLevel(level, levelOf(access.accessLevelId) as 1 | 2 | 3, type, `invoke behavior ${behavior.name}`);
    const { task } = invoker.start({
      entity,
      type,
      behavior,
      principal,
      fullControl: level >= 3,
      arguments: (input.arguments ?? {}) as JsonObject,
      metadata: (input.metadata ?? {}) as JsonObject,
      apiVersion: req.apiVersion,
    });
    ctx.tasks.accepted(res, task, ctx.publicUrl());
  });

  return router;
}
