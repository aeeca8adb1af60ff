import type { SimContext } from '../../context.ts';
import type { Principal } from '../../http/auth.ts';
import { VcdHttpError } from '../../http/errors.ts';
import type { TaskRecord } from '../../world/tasks.ts';
import type { BehaviorInvoker } from './behavior-invoker.ts';
import type { DefinedEntities } from './defined-entities.ts';
import type { Behavior, DefinedEntity, EntityType, LifecycleHook } from './rde-state.ts';

/**
 * Type lifecycle hooks (SL `rde-hooks.md`): the type's `hooks` map names a behaviour per event.
 * PostCreate runs after create (success resolves the entity, failure leaves RESOLUTION_ERROR);
 * PostUpdate runs after each update without changing the state; PreDelete runs before a delete
 * and a failure keeps the entity; PostDelete runs with the entity IN_DELETION and a failure
 * leaves it there. Hook runs skip behaviour access control.
 */
export class LifecycleHooks {
  constructor(
    private readonly ctx: SimContext,
    private readonly entities: DefinedEntities,
    private readonly invoker: BehaviorInvoker,
  ) {}

  #behavior(type: EntityType, hook: LifecycleHook): Behavior | undefined {
    const id = type.hooks?.[hook];
    return id ? this.entities.effectiveBehavior(type, id) : undefined;
  }

  #invoke(
    hook: LifecycleHook,
    behavior: Behavior,
    entity: DefinedEntity,
    type: EntityType,
    principal: Principal,
    apiVersion: string,
  ) {
    return this.invoker.start({ entity, type, behavior, principal, fullControl: true, hook, apiVersion });
  }

  /** The PostCreate invocation task (which the create answers with), or undefined without the hook. */
  afterCreate(
    entity: DefinedEntity,
    type: EntityType,
    principal: Principal,
    apiVersion: string,
  ): TaskRecord | undefined {
    const behavior = this.#behavior(type, 'PostCreate');
    if (!behavior) return undefined;
    const started = this.#invoke('PostCreate', behavior, entity, type, principal, apiVersion);
    void started.settled.then((task) => {
      const current = this.entities.state.entities[entity.id];
      if (!current) return;
      if (task.status === 'success') this.entities.resolve(current, type);
      else {
        this.entities.markResolutionError(
          current,
          `PostCreate hook ${behavior.id} ${task.status === 'aborted' ? 'was aborted' : `failed: ${task.error?.message ?? 'unknown error'}`}`,
        );
      }
    });
    return started.task;
  }

  /** The PostUpdate invocation task (its Location goes into X-VMWARE-VCLOUD-TASK-LOCATION). */
  afterUpdate(
    entity: DefinedEntity,
    type: EntityType,
    principal: Principal,
    apiVersion: string,
  ): TaskRecord | undefined {
    const behavior = this.#behavior(type, 'PostUpdate');
    return behavior
      ? this.#invoke('PostUpdate', behavior, entity, type, principal, apiVersion).task
      : undefined;
  }

  /**
   * A `deleteDefinedEntity` task that runs PreDelete, then PostDelete, then deletes the entity;
   * undefined when the type has neither hook (the caller deletes at once).
   */
  deleteWithHooks(
    entity: DefinedEntity,
    type: EntityType,
    principal: Principal,
    apiVersion: string,
  ): TaskRecord | undefined {
    const pre = entity.entityState === 'IN_DELETION' ? undefined : this.#behavior(type, 'PreDelete');
    const post = this.#behavior(type, 'PostDelete');
    if (!pre && !post) return undefined;
    const outer = this.ctx.tasks.start({
      operation: `Deleting entity ${entity.name}`,
      operationName: 'deleteDefinedEntity',
      owner: { id: entity.id, name: entity.name, type: 'application/json' },
      org: entity.org,
      user: principal.user,
      latencyClass: null,
      work: async () => {
        const notes: string[] = [];
        const run = async (hook: LifecycleHook, behavior: Behavior, consequence: string) => {
          const current = this.entities.state.entities[entity.id];
          if (!current) return;
          const started = this.#invoke(hook, behavior, current, type, principal, apiVersion);
          notes.push(`${hook} hook: ${started.task.id}.`);
          outer.operation = notes.join(' ');
          const done = await started.settled;
          if (done.status !== 'success') {
            throw new VcdHttpError(
              400,
              done.error?.minorErrorCode ?? 'BAD_REQUEST',
              `${hook} hook ${behavior.id} ${done.status === 'aborted' ? 'was aborted' : `failed: ${done.error?.message ?? 'unknown error'}`}; ${consequence}`,
            );
          }
        };
        if (pre) await run('PreDelete', pre, 'the entity was not deleted.');
        if (post) {
          const current = this.entities.state.entities[entity.id];
          if (current && current.entityState !== 'IN_DELETION') {
            current.entityState = 'IN_DELETION';
            this.entities.touched(current);
          }
          await run('PostDelete', post, 'the entity stays IN_DELETION.');
        }
        const current = this.entities.state.entities[entity.id];
        if (current) this.entities.remove(current);
      },
    });
    return outer;
  }
}
