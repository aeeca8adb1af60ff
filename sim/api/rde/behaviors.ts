import { Router, type Request } from 'express';
import type { SimContext } from '../../context.ts';
import { assertRights, principalOf, requireProvider } from '../../http/auth.ts';
import { parseBody } from '../../http/body.ts';
import { fail } from '../../http/errors.ts';
import { pageOf } from '../../http/paging.ts';
import type { JsonObject, JsonValue } from '../../world/json.ts';
import {
  behaviorAccessInput,
  behaviorAccessList,
  behaviorInput,
  behaviorOverrideInput,
} from './definition-schemas.ts';
import {
  definitionRights,
  rdeSlice,
  type Behavior,
  type BehaviorAccess,
  type EntityType,
} from './rde-state.ts';
import { interfaceBehaviorUrn, refOfTypeBehavior, typeBehaviorUrn } from './urns.ts';

/** Route parameters (the paths are built from constants, so express cannot infer them). */
type Params = Record<string, string>;

/**
 * `_internal_*` and `_secure_*` fields are write-only, at the top of `execution` and in its `execution_properties`
 * (SL `behaviors-general-concepts.md`, "Special execution properties").
 */
function isWriteOnly(key: string): boolean {
  return key.startsWith('_internal_') || key.startsWith('_secure_');
}

function withoutWriteOnly<T extends Record<string, unknown>>(fields: T): T {
  return Object.fromEntries(Object.entries(fields).filter(([key]) => !isWriteOnly(key))) as T;
}

export function renderBehavior(behavior: Behavior) {
  const { id, ref, name, description } = behavior;
  const { execution_properties: properties, ...execution } = behavior.execution;
  const visible = withoutWriteOnly(execution);
  return {
    id,
    ref,
    name,
    description,
    execution: properties ? { ...visible, execution_properties: withoutWriteOnly(properties) } : visible,
  };
}

/**
 * Behaviours (SL `behaviors-general-concepts.md`): defined on interfaces
 * (`/interfaces/{id}/behaviors`), overridden per type (`PUT /entityTypes/{id}/behaviors/{ref}`),
 * and opened to users per type with `/entityTypes/{id}/behaviorAccessControls`.
 */
export function behaviorsRoutes(ctx: SimContext): Router {
  const router = Router();
  const state = () => rdeSlice.of(ctx.store.world);
  const definer = (req: Request, right: string) =>
    assertRights(principalOf(req), [right], `${req.method} ${req.path}`);
  const iface = (id: string) => {
    const found = state().interfaces[id];
    if (!found) fail('notFound', { kind: 'Interface', id });
    return found;
  };
  const type = (id: string) => {
    const found = state().entityTypes[id];
    if (!found) fail('notFound', { kind: 'Entity type', id });
    return found;
  };
  const ofInterface = (interfaceId: string) =>
    Object.values(state().behaviors).filter((behavior) => behavior.ownerId === interfaceId);
  /** The behaviours a type has: its interfaces' behaviours, each replaced by the type's override. */
  const ofType = (entityType: EntityType) =>
    entityType.interfaces.flatMap((interfaceId) =>
      ofInterface(interfaceId).map(
        (behavior) =>
          Object.values(state().behaviors).find(
            (candidate) => candidate.ownerId === entityType.id && candidate.ref === behavior.id,
          ) ?? behavior,
      ),
    );
  const interfaceBehavior = (interfaceId: string, behaviorId: string) => {
    const found = state().behaviors[behaviorId];
    if (!found || found.ownerId !== interfaceId) fail('notFound', { kind: 'Behavior', id: behaviorId });
    return found;
  };

  const interfaceBase = '/cloudapi/1.0.0/interfaces/:id/behaviors';
  router.get(interfaceBase, (req: Request<Params>, res) => {
    definer(req, definitionRights.view);
    res.json(pageOf(req, res, ofInterface(iface(req.params.id).id).map(renderBehavior)));
  });
  router.post(interfaceBase, requireProvider('define behaviors'), (req: Request<Params>, res) => {
    definer(req, definitionRights.create);
    const owner = iface(req.params.id);
    const input = parseBody(behaviorInput, req.body);
    const id = interfaceBehaviorUrn(input.name, owner);
    if (state().behaviors[id]) fail('duplicateName', { kind: 'behavior', name: input.name });
    const behavior: Behavior = {
      id,
      ref: id,
      name: input.name,
      description: input.description ?? null,
      execution: {
        ...input.execution,
        execution_properties: input.execution.execution_properties ?? undefined,
      } as Behavior['execution'],
      ownerId: owner.id,
    };
    if (behavior.execution.execution_properties === undefined) delete behavior.execution.execution_properties;
    if (behavior.execution.id == null) delete behavior.execution.id;
    state().behaviors[id] = behavior;
    res.status(201).json(renderBehavior(behavior));
  });
  router.get(`${interfaceBase}/:behaviorId`, (req: Request<Params>, res) => {
    definer(req, definitionRights.view);
    res.json(renderBehavior(interfaceBehavior(iface(req.params.id).id, req.params.behaviorId)));
  });
  router.put(
    `${interfaceBase}/:behaviorId`,
    requireProvider('edit behaviors'),
    (req: Request<Params>, res) => {
      definer(req, definitionRights.edit);
      const behavior = interfaceBehavior(iface(req.params.id).id, req.params.behaviorId);
      const input = parseBody(behaviorInput, req.body);
      if (input.name !== behavior.name)
        fail('badRequest', { reason: 'The name of a behavior cannot be changed.' });
      behavior.description = input.description ?? null;
      behavior.execution = mergeExecution(behavior.execution, input.execution);
      res.json(renderBehavior(behavior));
    },
  );
  router.delete(
    `${interfaceBase}/:behaviorId`,
    requireProvider('delete behaviors'),
    (req: Request<Params>, res) => {
      definer(req, definitionRights.edit);
      const behavior = interfaceBehavior(iface(req.params.id).id, req.params.behaviorId);
      const hookedBy = Object.values(state().entityTypes).find((candidate) =>
        Object.values(candidate.hooks ?? {}).includes(behavior.id),
      );
      if (hookedBy)
        fail('badRequest', { reason: `Behavior ${behavior.id} is a hook of entity type ${hookedBy.id}.` });
      for (const candidate of Object.values(state().behaviors)) {
        if (candidate.ref === behavior.id) delete state().behaviors[candidate.id];
      }
      res.status(204).end();
    },
  );

  const typeBase = '/cloudapi/1.0.0/entityTypes/:id/behaviors';
  router.get(typeBase, (req: Request<Params>, res) => {
    principalOf(req);
    res.json(pageOf(req, res, ofType(type(req.params.id)).map(renderBehavior)));
  });
  router.get(`${typeBase}/:behaviorId`, (req: Request<Params>, res) => {
    principalOf(req);
    const entityType = type(req.params.id);
    const ref = refOfTypeBehavior(req.params.behaviorId) ?? req.params.behaviorId;
    const found = ofType(entityType).find((behavior) => behavior.ref === ref);
    if (!found) fail('notFound', { kind: 'Behavior', id: req.params.behaviorId });
    res.json(renderBehavior(found));
  });
  router.put(
    `${typeBase}/:behaviorId`,
    requireProvider('override behaviors'),
    (req: Request<Params>, res) => {
      definer(req, definitionRights.edit);
      const entityType = type(req.params.id);
      const ref = refOfTypeBehavior(req.params.behaviorId) ?? req.params.behaviorId;
      const base = state().behaviors[ref];
      if (!base || !entityType.interfaces.includes(base.ownerId))
        fail('notFound', { kind: 'Behavior', id: ref });
      const owner = state().interfaces[base.ownerId]!;
      const input = parseBody(behaviorOverrideInput, req.body);
      const id = typeBehaviorUrn(base.name, entityType, owner);
      const existing = state().behaviors[id];
      const override: Behavior = {
        id,
        ref,
        name: base.name,
        description: input.description ?? base.description,
        execution: mergeExecution(existing?.execution ?? base.execution, input.execution),
        ownerId: entityType.id,
      };
      state().behaviors[id] = override;
      res.json(renderBehavior(override));
    },
  );
  router.delete(
    `${typeBase}/:behaviorId`,
    requireProvider('remove behavior overrides'),
    (req: Request<Params>, res) => {
      definer(req, definitionRights.edit);
      const entityType = type(req.params.id);
      const ref = refOfTypeBehavior(req.params.behaviorId) ?? req.params.behaviorId;
      const override = Object.values(state().behaviors).find(
        (candidate) => candidate.ownerId === entityType.id && candidate.ref === ref,
      );
      if (!override) fail('notFound', { kind: 'Behavior override', id: req.params.behaviorId });
      delete state().behaviors[override.id];
      res.status(204).end();
    },
  );

  const accessBase = '/cloudapi/1.0.0/entityTypes/:id/behaviorAccessControls';
  const accessOf = (typeId: string): BehaviorAccess[] => (state().behaviorAccess[typeId] ??= []);
  // Any existing behaviour may be granted, not only those of the type's interfaces: VMware's CSE 4.2 installation
  // grants `getFullEntity` of `cse:capvcd:1.0.0` on `vmware:capvcdCluster:1.3.0`, which implements only
  // `vmware:k8s:1.0.0` (terraform-provider-vcd examples/container-service-extension/v4.2/install/step1/
  // 3.11-cse-install-2-cse-server-prerequisites.tf, `vcd_rde_type_behavior_acl.capvcd_behavior_acl`).
  const checkBehavior = (entityType: EntityType, behaviorId: string) => {
    const ref = refOfTypeBehavior(behaviorId) ?? behaviorId;
    // (A type's own behaviours are covered: each one's ref is an interface behaviour in the state.)
    if (!state().behaviors[ref])
      fail('badRequest', {
        reason: `Behavior ${behaviorId} is not a behavior of entity type ${entityType.id}.`,
      });
  };
  router.get(accessBase, (req: Request<Params>, res) => {
    principalOf(req);
    res.json(pageOf(req, res, [...(state().behaviorAccess[type(req.params.id).id] ?? [])]));
  });
  router.post(accessBase, requireProvider('set behavior access'), (req: Request<Params>, res) => {
    definer(req, definitionRights.edit);
    const entityType = type(req.params.id);
    const input = parseBody(behaviorAccessInput, req.body);
    checkBehavior(entityType, input.behaviorId);
    const list = accessOf(entityType.id);
    const existing = list.find((entry) => entry.behaviorId === input.behaviorId);
    if (existing) existing.accessLevelId = input.accessLevelId;
    else list.push({ ...input });
    res.status(201).json(input);
  });
  router.put(accessBase, requireProvider('set behavior access'), (req: Request<Params>, res) => {
    definer(req, definitionRights.edit);
    const entityType = type(req.params.id);
    const input = parseBody(behaviorAccessList, req.body);
    for (const entry of input.values) checkBehavior(entityType, entry.behaviorId);
    state().behaviorAccess[entityType.id] = input.values.map((entry) => ({ ...entry }));
    res.json(pageOf(req, res, [...state().behaviorAccess[entityType.id]!]));
  });
  return router;
}

/** `_internal_*` / `_secure_*` fields are write-only, so an update that leaves them out keeps them. */
function mergeExecution(
  previous: Behavior['execution'],
  next: Record<string, unknown>,
): Behavior['execution'] {
  const writeOnly = (fields: Record<string, JsonValue | undefined>): JsonObject => {
    const kept: JsonObject = {};
    for (const [key, value] of Object.entries(fields))
      if (isWriteOnly(key) && value !== undefined) kept[key] = value;
    return kept;
  };
  const { execution_properties: previousProperties, ...previousTop } = previous;
  const nextProperties = (next['execution_properties'] ?? {}) as JsonObject;
  const merged = {
    ...writeOnly(previousTop),
    ...next,
    execution_properties: { ...writeOnly(previousProperties ?? {}), ...nextProperties },
  } as Behavior['execution'];
  if (merged.id == null) delete merged.id;
  return merged;
}
