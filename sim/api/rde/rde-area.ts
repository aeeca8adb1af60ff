import { Router } from 'express';
import type { SimContext } from '../../context.ts';
import { BehaviorInvoker } from './behavior-invoker.ts';
import { behaviorsRoutes } from './behaviors.ts';
import { DefinedEntities } from './defined-entities.ts';
import { entitiesRoutes } from './entities.ts';
import { entityTypesRoutes } from './entity-types.ts';
import { interfacesRoutes } from './interfaces.ts';
import { LifecycleHooks } from './lifecycle-hooks.ts';

/**
 * Runtime Defined Entities: interfaces, entity types, entities, access controls, behaviours and
 * their invocation, lifecycle hooks. The MQTT bus plugs in through `behavior-dispatcher.ts`.
 */
export function rdeArea(ctx: SimContext): Router {
  const entities = new DefinedEntities(ctx);
  const invoker = new BehaviorInvoker(ctx, entities);
  const hooks = new LifecycleHooks(ctx, entities, invoker);
  const router = Router();
  // Behaviour routes first: `/entityTypes/{id}/behaviors` must not reach `POST /entityTypes/{id}`.
  router.use(
    interfacesRoutes(ctx),
    behaviorsRoutes(ctx),
    entityTypesRoutes(ctx, entities),
    entitiesRoutes(ctx, entities, invoker, hooks),
  );
  return router;
}
