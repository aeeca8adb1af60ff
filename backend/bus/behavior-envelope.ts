/**
 * VCD's MQTT RDE behaviour messages: `BEHAVIOR_INVOCATION` decoded into a `BehaviorInvocation`, and the
 * `BEHAVIOR_RESPONSE` task updates (running with progress, then success or error) encoded back.
 */
import { EnvelopeError, jsonErrorDetail } from './envelope.ts';

export interface BehaviorInvocation {
  taskId: string;
  entityId: string;
  behaviorId: string;
  /** The invoking user, org and (when VCD's `extensibility.enableRightInfo` is on) rights. */
  context: { user?: string; org?: string; rights: string[] };
  typeId?: string;
  /** The user's invocation arguments. */
  arguments: Record<string, unknown>;
  additionalArguments?: unknown;
  /** The entity's contents at invocation time. */
  entity?: unknown;
  executionProperties?: Record<string, unknown>;
  /** `_metadata`: executionId, invocation (the user's metadata), actAsToken when enabled, … */
  metadata: Record<string, unknown>;
}

/** A running update: shown on the VCD task while the behaviour works. */
export interface BehaviorProgress {
  operation?: string;
  details?: string;
  /** 0–100 */
  progress?: number;
}

/** A failure the behaviour reports on its task, in VCD's error shape. */
export class BehaviorError extends Error {
  override readonly name = 'BehaviorError';
  constructor(
    message: string,
    readonly minorErrorCode = 'BAD_REQUEST',
    readonly majorErrorCode = 400,
  ) {
    super(message);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requiredString(source: Record<string, unknown>, key: string): string {
  const value = source[key];
  if (typeof value !== 'string' || value === '') {
    throw new EnvelopeError('MISSING_FIELD', `BEHAVIOR_INVOCATION headers have no "${key}"`);
  }
  return value;
}

export function decodeBehaviorInvocation(envelope: Record<string, unknown>): BehaviorInvocation {
  const headers = envelope['headers'];
  if (!isObject(headers))
    throw new EnvelopeError('MISSING_FIELD', 'BEHAVIOR_INVOCATION has no "headers" object');
  const taskId = requiredString(headers, 'taskId');
  // VCD's doc example puts payload inside headers; its Java class and CSE read it at the top level.
  const rawPayload = envelope['payload'] ?? headers['payload'];
  let payload: unknown = {};
  if (typeof rawPayload === 'string' && rawPayload !== '') {
    try {
      payload = JSON.parse(rawPayload);
    } catch (error) {
      throw new EnvelopeError(
        'NOT_JSON',
        `BEHAVIOR_INVOCATION "payload" is not JSON (${jsonErrorDetail(error)})`,
        taskId,
      );
    }
  } else if (isObject(rawPayload)) {
    payload = rawPayload;
  } else if (rawPayload !== undefined && rawPayload !== null && rawPayload !== '') {
    throw new EnvelopeError('INVALID_FIELD', 'BEHAVIOR_INVOCATION "payload" must be a JSON string', taskId);
  }
  if (!isObject(payload))
    throw new EnvelopeError('INVALID_FIELD', 'BEHAVIOR_INVOCATION "payload" must hold an object', taskId);

  const context = isObject(headers['context']) ? headers['context'] : {};
  const entityId = typeof headers['entityId'] === 'string' ? headers['entityId'] : payload['entityId'];
  if (typeof entityId !== 'string' || entityId === '') {
    throw new EnvelopeError('MISSING_FIELD', 'BEHAVIOR_INVOCATION has no "entityId"', taskId);
  }
  const metadata = isObject(payload['_metadata']) ? payload['_metadata'] : {};
  const behaviorId =
    typeof headers['behaviorId'] === 'string' ? headers['behaviorId'] : metadata['behaviorId'];
  return {
    taskId,
    entityId,
    behaviorId: typeof behaviorId === 'string' ? behaviorId : '',
    context: {
      user: typeof context['userId'] === 'string' ? context['userId'] : undefined,
      org: typeof context['orgId'] === 'string' ? context['orgId'] : undefined,
      rights: Array.isArray(context['rights'])
        ? context['rights'].filter((r): r is string => typeof r === 'string')
        : [],
    },
    typeId: typeof payload['typeId'] === 'string' ? payload['typeId'] : undefined,
    arguments: isObject(payload['arguments']) ? payload['arguments'] : {},
    additionalArguments: payload['additionalArguments'],
    entity: payload['entity'],
    executionProperties: isObject(payload['_execution_properties'])
      ? payload['_execution_properties']
      : undefined,
    metadata,
  };
}

const taskJson = 'application/vnd.vmware.vcloud.task+json';

function behaviorResponse(
  invocation: Pick<BehaviorInvocation, 'taskId' | 'entityId'>,
  task: Record<string, unknown>,
): Buffer {
  return Buffer.from(
    JSON.stringify({
      type: 'BEHAVIOR_RESPONSE',
      headers: { taskId: invocation.taskId, entityId: invocation.entityId, contentType: taskJson },
      payload: JSON.stringify(task),
    }),
  );
}

export function encodeBehaviorProgress(
  invocation: Pick<BehaviorInvocation, 'taskId' | 'entityId'>,
  update: BehaviorProgress,
): Buffer {
  const task: Record<string, unknown> = { status: 'running' };
  if (update.operation !== undefined) task['operation'] = update.operation;
  if (update.details !== undefined) task['details'] = update.details;
  if (update.progress !== undefined)
    task['progress'] = Math.max(0, Math.min(100, Math.round(update.progress)));
  return behaviorResponse(invocation, task);
}

/** Completes the task; `resultContent` is a string as VCD stores it (non-strings are JSON-encoded). */
export function encodeBehaviorSuccess(
  invocation: Pick<BehaviorInvocation, 'taskId' | 'entityId'>,
  result: unknown,
): Buffer {
  const resultContent =
    result === undefined || result === null
      ? null
      : typeof result === 'string'
        ? result
        : JSON.stringify(result);
  return behaviorResponse(invocation, { status: 'success', progress: 100, result: { resultContent } });
}

export function encodeBehaviorFailure(
  invocation: Pick<BehaviorInvocation, 'taskId' | 'entityId'>,
  error: { majorErrorCode: number; minorErrorCode: string; message: string },
): Buffer {
  return behaviorResponse(invocation, {
    status: 'error',
    error: {
      majorErrorCode: error.majorErrorCode,
      minorErrorCode: error.minorErrorCode,
      message: error.message,
    },
  });
}
