import type { SimContext } from '../../context.ts';
import type { Principal } from '../../http/auth.ts';
import { VcdHttpError } from '../../http/errors.ts';
import { uuidOf } from '../../world/ids.ts';
import type { JsonObject, JsonValue } from '../../world/json.ts';
import type { TaskRecord } from '../../world/tasks.ts';
import type { RunningTask } from '../tasks/task-service.ts';
import {
  behaviorDispatcherOf,
  extensionTopics,
  setBehaviorResponseSink,
  type BehaviorResponseMessage,
} from './behavior-dispatcher.ts';
import type { DefinedEntities } from './defined-entities.ts';
import type { Behavior, DefinedEntity, EntityType, LifecycleHook } from './rde-state.ts';
import { readableContents, restrictedPaths } from './restricted-fields.ts';

export interface InvocationInput {
  entity: DefinedEntity;
  type: EntityType;
  /** The effective behaviour (the type's override when there is one). */
  behavior: Behavior;
  /** Who invoked it (for hooks: who created, updated or deleted the entity). */
  principal: Principal;
  /** The invoker has Full Control of the entity (private fields go into the payload). */
  fullControl: boolean;
  arguments?: JsonObject;
  metadata?: JsonObject;
  hook?: LifecycleHook;
  /** API version of the request that caused the invocation (`_metadata.apiVersion`). */
  apiVersion: string;
}

export interface StartedInvocation {
  task: TaskRecord;
  settled: Promise<TaskRecord>;
}

interface PendingInvocation {
  running: RunningTask;
  task: TaskRecord;
  succeed(result: JsonValue): void;
  failWith(error: VcdHttpError): void;
}

/** VCD's `extensibility.timeout` default for MQTT behaviours without `invocation_timeout`. */
const defaultInvocationTimeoutSeconds = 10;
const taskJson = 'application/vnd.vmware.vcloud.task+json';

/**
 * The task-update content type of a `BEHAVIOR_RESPONSE`: the SL docs' Java class has a `contentType` header, their
 * prose a `Content-Type` header (mqtt-behaviors.md); either is read, in any letter case.
 */
function responseContentType(headers: Record<string, unknown>): string | undefined {
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value === 'string' && /^content-?type$/i.test(name)) return value;
  }
  return undefined;
}

/** `majorErrorCode` is a number in the SL docs' examples and a String in their Java `TaskType.ErrorType`. */
function httpStatusOf(code: unknown): number | undefined {
  const status = typeof code === 'string' && /^\d{3}$/.test(code.trim()) ? Number(code) : code;
  return typeof status === 'number' && Number.isInteger(status) && status >= 400 && status <= 599
    ? status
    : undefined;
}

/** The error a behaviour answers (a noop's `returnError`, an MQTT task update's `error`) as a VCD error. */
function behaviorError(error: Record<string, unknown> | undefined, fallbackMessage: string): VcdHttpError {
  return new VcdHttpError(
    httpStatusOf(error?.['majorErrorCode']) ?? 500,
    typeof error?.['minorErrorCode'] === 'string' ? error['minorErrorCode'] : 'INTERNAL_SERVER_ERROR',
    typeof error?.['message'] === 'string' ? error['message'] : fallbackMessage,
  );
}

/**
 * A `noop` behaviour with this id answers the entity with its secure fields in clear, as `{entity: …}`: CSE 4.2
 * defines `getFullEntity` so (terraform-provider-vcd `examples/container-service-extension/v4.2/install/step1/
 * 3.11-cse-install-2-cse-server-prerequisites.tf`) and reads the kubeconfig from its result (go-vcloud-director
 * `govcd/cse.go` `GetKubeconfig`; terraform-provider-vcd `website/docs/guides/container_service_extension_4_x_cluster_management.html.markdown`).
 * VMware's no-op documentation says a noop answers null; this answer is a guess from those two clients.
 */
const fullEntityBehaviourId = 'getFullEntity';

function noopResult(value: JsonValue | undefined): JsonValue | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * Runs behaviour invocations as `executeBehavior` tasks owned by the entity: `noop` answers
 * its configured value or error; `MQTT` publishes a `BEHAVIOR_INVOCATION` through the bus's
 * dispatcher and follows the extension's `BEHAVIOR_RESPONSE` updates until one completes the
 * task or `invocation_timeout` passes.
 */
export class BehaviorInvoker {
  #pending = new Map<string, PendingInvocation>();

  constructor(
    private readonly ctx: SimContext,
    private readonly entities: DefinedEntities,
  ) {
    setBehaviorResponseSink(ctx, (message) => this.#onResponse(message));
  }

  start(input: InvocationInput): StartedInvocation {
    const { entity, behavior, principal } = input;
    const task = this.ctx.tasks.start({
      operation: input.hook
        ? `${input.hook} hook: invoking behavior ${behavior.name} on entity ${entity.name}`
        : `Invoking behavior ${behavior.name} on entity ${entity.name}`,
      operationName: 'executeBehavior',
      owner: { id: entity.id, name: entity.name, type: 'application/json' },
      org: entity.org,
      user: principal.user,
      work: (running) => this.#execute(input, running),
    });
    return { task, settled: this.ctx.tasks.settled(task) };
  }

  async #execute(input: InvocationInput, running: RunningTask): Promise<JsonValue | undefined> {
    const execution = input.behavior.execution;
    const properties = execution.execution_properties ?? {};
    switch (execution.type.toLowerCase()) {
      case 'noop': {
        const returnError = properties['returnError'];
        if (returnError && typeof returnError === 'object' && !Array.isArray(returnError)) {
          throw behaviorError(returnError, `Behavior ${input.behavior.name} failed.`);
        }
        if (execution.id === fullEntityBehaviourId && properties['returnValue'] === undefined) {
          return JSON.stringify({ entity: input.entity.entity });
        }
        return noopResult(properties['returnValue']);
      }
      case 'mqtt':
        return this.#executeMqtt(input, running, properties);
      default:
        throw new VcdHttpError(
          400,
          'BAD_REQUEST',
          `The simulator cannot execute behaviors of type ${execution.type} (only noop and MQTT).`,
        );
    }
  }

  async #executeMqtt(
    input: InvocationInput,
    running: RunningTask,
    properties: Record<string, JsonValue>,
  ): Promise<JsonValue | undefined> {
    const serviceId = typeof properties['serviceId'] === 'string' ? properties['serviceId'] : '';
    const topics = extensionTopics(serviceId);
    if (!topics) {
      throw new VcdHttpError(
        400,
        'BAD_REQUEST',
        `Behavior ${input.behavior.id} has no valid execution_properties.serviceId (urn:vcloud:extension-api:<vendor>:<name>:<version>).`,
      );
    }
    const dispatcher = behaviorDispatcherOf(this.ctx);
    if (!dispatcher) {
      throw new VcdHttpError(
        500,
        'INTERNAL_SERVER_ERROR',
        `No MQTT message bus is running to deliver behavior ${input.behavior.id} to ${serviceId}.`,
      );
    }
    const task = this.ctx.tasks.get(running.id)!;
    const taskUuid = uuidOf(running.id)!;
    // A boolean in the SL docs' examples, the string "true" in their prose (behaviors-general-concepts.md).
    const actAsToken = properties['actAsToken'];
    const actAs =
      actAsToken === true || actAsToken === 'true' ? this.#actAsSession(input.principal) : undefined;
    const timeoutSeconds =
      typeof properties['invocation_timeout'] === 'number' && properties['invocation_timeout'] > 0
        ? properties['invocation_timeout']
        : defaultInvocationTimeoutSeconds;

    const outcome = new Promise<JsonValue>((resolve, reject) => {
      this.#pending.set(taskUuid, { running, task, succeed: resolve, failWith: reject });
    });
    const stopTimer = new AbortController();
    const forwardAbort = () => stopTimer.abort(running.signal.reason);
    running.signal.addEventListener('abort', forwardAbort, { once: true });
    try {
      dispatcher.invoke({
        serviceId,
        topic: topics.ext,
        responseTopic: topics.vcd,
        message: {
          type: 'BEHAVIOR_INVOCATION',
          headers: {
            taskId: taskUuid,
            entityId: input.entity.id,
            behaviorId: input.behavior.id,
            context: { userId: input.principal.user.id, orgId: input.principal.effectiveOrg.id, rights: [] },
          },
          payload: JSON.stringify(this.#payload(input, running.id, properties, actAs?.accessToken)),
        },
      });
      // Timeouts are VCD settings, not infrastructure latency: simulator clock, not scaled by speed.
      const timeout = this.ctx.clock.sleep(timeoutSeconds * 1000, stopTimer.signal).then(() => {
        throw new VcdHttpError(
          504,
          'GATEWAY_TIMEOUT',
          `Behavior ${input.behavior.id} did not complete within ${timeoutSeconds} s.`,
        );
      });
      timeout.catch(() => undefined);
      const result = await Promise.race([outcome, timeout]);
      return result === null ? undefined : result;
    } finally {
      stopTimer.abort();
      running.signal.removeEventListener('abort', forwardAbort);
      this.#pending.delete(taskUuid);
      if (actAs) this.ctx.sessions.close(actAs.id);
    }
  }

  #payload(
    input: InvocationInput,
    taskId: string,
    properties: Record<string, JsonValue>,
    actAsToken: string | undefined,
  ): JsonObject {
    const executionProperties: JsonObject = {};
    for (const [key, value] of Object.entries(properties)) {
      // `_internal_*` stays inside VCD; `_secure_*` goes to the executor.
      if (!key.startsWith('_internal_')) executionProperties[key] = value;
    }
    const metadata: JsonObject = {
      executionId: input.behavior.execution.id ?? input.behavior.name,
      behaviorId: input.behavior.id,
      taskId,
      executionType: 'MQTT',
      invocation: input.metadata ?? {},
      requestId: this.ctx.store.ids.uuid(),
      apiVersion: input.apiVersion,
    };
    if (actAsToken) metadata['actAsToken'] = actAsToken;
    return {
      entityId: input.entity.id,
      typeId: input.type.id,
      arguments: input.arguments ?? {},
      additionalArguments: null,
      entity: readableContents(input.entity.entity, restrictedPaths(input.type.schema), {
        fullControl: input.fullControl || input.hook !== undefined,
        secure: 'reveal',
      }),
      _execution_properties: executionProperties,
      _metadata: metadata,
    };
  }

  /** An act-as token for the invoking user; it ends with the task. */
  #actAsSession(principal: Principal) {
    const user = this.ctx.store.world.users[principal.user.id];
    return user ? this.ctx.sessions.open(user, 'session') : undefined;
  }

  #onResponse(message: BehaviorResponseMessage): boolean {
    const uuid = uuidOf(message.headers.taskId);
    const pending = uuid ? this.#pending.get(uuid) : undefined;
    if (!pending) return false;
    if ((responseContentType(message.headers) ?? '').toLowerCase() !== taskJson) {
      pending.succeed(message.payload);
      return true;
    }
    let update: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(message.payload);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return false;
      update = parsed as Record<string, unknown>;
    } catch {
      return false;
    }
    const result = update['result'] as { resultContent?: JsonValue } | undefined;
    const error = update['error'] as Record<string, unknown> | undefined;
    switch (update['status']) {
      case 'success':
        pending.succeed(result?.resultContent ?? null);
        return true;
      case 'error':
        pending.failWith(behaviorError(error, 'The behavior failed.'));
        return true;
      case 'aborted':
        this.ctx.tasks.cancel(pending.task);
        return true;
      default: {
        const progress = typeof update['progress'] === 'number' ? update['progress'] : pending.task.progress;
        const details =
          typeof update['details'] === 'string'
            ? update['details']
            : typeof update['operation'] === 'string'
              ? update['operation']
              : undefined;
        if (typeof update['operation'] === 'string') pending.task.operation = update['operation'];
        pending.running.progress(progress, details);
        return true;
      }
    }
  }
}
