import { Router, type Request } from 'express';
import type { SimContext } from '../../context.ts';
import { assertRights, principalOf, requireProvider, type Principal } from '../../http/auth.ts';
import { parseBody } from '../../http/body.ts';
import { fail } from '../../http/errors.ts';
import { pageOf } from '../../http/paging.ts';
import { accessControlRoutes, grantAccess } from './access-controls.ts';
import type { DefinedEntities } from './defined-entities.ts';
import { entityTypeInput } from './definition-schemas.ts';
import { definitionRights, rdeSlice, type EntityType } from './rde-state.ts';
import { checkSchema } from './schema-validation.ts';
import { aclLevel, registerTypeRights } from './type-access.ts';
import { typeUrn } from './urns.ts';

/** Route parameters (the paths are built from constants, so express cannot infer them). */
type Params = Record<string, string>;

/** The caller has a Full Control ACL on the type (the creator gets one), needed for `invokeHooks=false`. */
export function hasTypeFullControl(ctx: SimContext, principal: Principal, type: EntityType): boolean {
  return (
    aclLevel(ctx, principal, Object.values(rdeSlice.of(ctx.store.world).accessControls[type.id] ?? {})) >= 3
  );
}

/**
 * `/cloudapi/1.0.0/entityTypes`: types with a JSON Schema, interfaces and hooks. Registering a type
 * creates its five rights and the `<vendor>:<nss> Entitlement` bundle, and gives the creator a
 * Full Control type ACL. The schema and interfaces are frozen once an entity of the type exists.
 */
export function entityTypesRoutes(ctx: SimContext, entities: DefinedEntities): Router {
  const router = Router();
  const base = '/cloudapi/1.0.0/entityTypes';
  const state = () => rdeSlice.of(ctx.store.world);
  const definer = (req: Request, right: string) =>
    assertRights(principalOf(req), [right], `${req.method} ${req.path}`);

  const validated = (input: ReturnType<typeof entityTypeInput.parse>, id: string) => {
    for (const interfaceId of input.interfaces) {
      if (!state().interfaces[interfaceId])
        fail('badRequest', { reason: `Interface ${interfaceId} does not exist.` });
    }
    try {
      checkSchema(input.schema);
    } catch (error) {
      fail('badRequest', { reason: `Invalid schema of entity type ${id}: ${(error as Error).message}` });
    }
    for (const [hook, behaviorId] of Object.entries(input.hooks ?? {})) {
      const behavior = state().behaviors[behaviorId];
      if (!behavior || !input.interfaces.includes(state().behaviors[behavior.ref]?.ownerId ?? '')) {
        fail('badRequest', {
          reason: `Hook ${hook}: behavior ${behaviorId} is not a behavior of an interface the type implements.`,
        });
      }
    }
  };

  router.get(base, (req: Request<Params>, res) => {
    principalOf(req);
    res.json(pageOf(req, res, Object.values(state().entityTypes), { defaultSort: 'id' }));
  });
  router.post(base, requireProvider('define entity types'), (req: Request<Params>, res) => {
    definer(req, definitionRights.create);
    const principal = principalOf(req);
    const input = parseBody(entityTypeInput, req.body);
    const id = typeUrn(input);
    if (state().entityTypes[id]) fail('duplicateName', { kind: 'entity type', name: id });
    validated(input, id);
    const type: EntityType = {
      id,
      name: input.name,
      description: input.description ?? null,
      vendor: input.vendor,
      nss: input.nss,
      version: input.version,
      externalId: input.externalId ?? null,
      inheritedVersion: input.inheritedVersion ?? null,
      schema: input.schema,
      interfaces: input.interfaces,
      hooks: input.hooks && Object.keys(input.hooks).length > 0 ? input.hooks : null,
      readonly: input.readonly ?? false,
      maxImplicitRight: input.maxImplicitRight ?? null,
    };
    state().entityTypes[id] = type;
    registerTypeRights(ctx, type);
    grantAccess(ctx, id, principal.effectiveOrg, principal.user.id, 'urn:vcloud:accessLevel:FullControl');
    res.status(201).json(type);
  });
  router.get(`${base}/:id`, (req: Request<Params>, res) => {
    principalOf(req);
    res.json(entities.typeOr404(req.params.id));
  });
  router.put(`${base}/:id`, requireProvider('edit entity types'), (req: Request<Params>, res) => {
    definer(req, definitionRights.edit);
    const type = entities.typeOr404(req.params.id);
    const input = parseBody(entityTypeInput, req.body);
    if (typeUrn(input) !== type.id)
      fail('badRequest', { reason: 'The vendor, nss and version of an entity type cannot be changed.' });
    if (type.readonly) fail('badRequest', { reason: `Entity type ${type.id} is read-only.` });
    const inUse = entities.index.countOfType(type.id) > 0;
    const schemaChanged = JSON.stringify(input.schema) !== JSON.stringify(type.schema);
    const interfacesChanged = JSON.stringify(input.interfaces) !== JSON.stringify(type.interfaces);
    if (inUse && (schemaChanged || interfacesChanged)) {
      fail('badRequest', {
        reason: `Entity type ${type.id} has entities: its schema and interfaces cannot change; define a new version.`,
      });
    }
    validated(input, type.id);
    Object.assign(type, {
      name: input.name,
      description: input.description ?? null,
      externalId: input.externalId ?? null,
      schema: schemaChanged ? input.schema : type.schema,
      interfaces: input.interfaces,
      hooks: input.hooks && Object.keys(input.hooks).length > 0 ? input.hooks : null,
      maxImplicitRight: input.maxImplicitRight ?? null,
    });
    res.json(type);
  });
  router.delete(`${base}/:id`, requireProvider('delete entity types'), (req: Request<Params>, res) => {
    definer(req, definitionRights.delete);
    const type = entities.typeOr404(req.params.id);
    if (type.readonly) fail('badRequest', { reason: `Entity type ${type.id} is read-only.` });
    if (entities.index.countOfType(type.id) > 0)
      fail('badRequest', { reason: `Entity type ${type.id} still has entities; delete them first.` });
    for (const behavior of Object.values(state().behaviors)) {
      if (behavior.ownerId === type.id) delete state().behaviors[behavior.id];
    }
    delete state().behaviorAccess[type.id];
    delete state().accessControls[type.id];
    delete state().entityTypes[type.id];
    res.status(204).end();
  });

  accessControlRoutes(ctx, router, `${base}/:id/accessControls`, (req) => {
    const type = entities.typeOr404(req.params.id);
    const principal = principalOf(req);
    const manage = (caller: Principal) => {
      const manager = caller.isProvider && caller.rights.has(definitionRights.edit);
      if (!manager && !hasTypeFullControl(ctx, caller, type)) {
        fail('missingRight', {
          rights: `${definitionRights.edit} or a Full Control ACL on ${type.id}`,
          operation: `${req.method} ${req.path}`,
        });
      }
    };
    return {
      objectId: type.id,
      tenant: principal.effectiveOrg,
      assertCanView: manage,
      assertCanEdit: manage,
    };
  });
  return router;
}
