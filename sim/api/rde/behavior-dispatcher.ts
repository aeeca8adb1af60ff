import type { SimContext } from '../../context.ts';

/**
 * The seam between RDE behaviours and the simulator's MQTT bus (`sim/bus/`): the RDE area hands
 * MQTT invocations to a `BehaviorDispatcher`, and the bus feeds `BEHAVIOR_RESPONSE` messages back
 * through `deliverBehaviorResponse`. Wire formats: reference `vcd-message-bus.md` §3.7.
 */

/** `{"type":"BEHAVIOR_INVOCATION","headers":{…},"payload":"<JSON string>"}` as VCD publishes it. */
export interface BehaviorInvocationMessage {
  type: 'BEHAVIOR_INVOCATION';
  headers: {
    /** Bare task UUID. */
    taskId: string;
    entityId: string;
    behaviorId: string;
    context: { userId: string; orgId: string; rights: string[] };
  };
  /** JSON-encoded InvocationArguments (`entityId`, `typeId`, `arguments`, `entity`, `_metadata`, …). */
  payload: string;
}

export interface BehaviorInvocation {
  /** `execution_properties.serviceId`: `urn:vcloud:extension-api:<vendor>:<name>:<version>`. */
  serviceId: string;
  /** Where VCD publishes it: `topic/extension/<vendor>/<name>/<version>/ext`. */
  topic: string;
  /** Where the extension answers: `topic/extension/<vendor>/<name>/<version>/vcd`. */
  responseTopic: string;
  message: BehaviorInvocationMessage;
}

export interface BehaviorDispatcher {
  /** Publishes the invocation on the bus; must not throw for an absent subscriber (the task times out). */
  invoke(invocation: BehaviorInvocation): void;
}

/** `{"type":"BEHAVIOR_RESPONSE","headers":{taskId, entityId, contentType},"payload":"<string>"}` */
export interface BehaviorResponseMessage {
  type: 'BEHAVIOR_RESPONSE';
  /** `contentType` (or `Content-Type`) tells a task update from a plain result. */
  headers: { taskId: string; entityId?: string; contentType?: string; [name: string]: unknown };
  payload: string;
}

export type BehaviorResponseSink = (message: BehaviorResponseMessage) => boolean;

interface Seam {
  dispatcher?: BehaviorDispatcher;
  sink?: BehaviorResponseSink;
}

const seams = new WeakMap<SimContext, Seam>();

function seamOf(ctx: SimContext): Seam {
  let seam = seams.get(ctx);
  if (!seam) {
    seam = {};
    seams.set(ctx, seam);
  }
  return seam;
}

/** Called by the bus once its broker runs (and with `undefined` when it stops). */
export function setBehaviorDispatcher(ctx: SimContext, dispatcher: BehaviorDispatcher | undefined): void {
  seamOf(ctx).dispatcher = dispatcher;
}

export function behaviorDispatcherOf(ctx: SimContext): BehaviorDispatcher | undefined {
  return seamOf(ctx).dispatcher;
}

/** Set by the RDE area: where responses go. */
export function setBehaviorResponseSink(ctx: SimContext, sink: BehaviorResponseSink): void {
  seamOf(ctx).sink = sink;
}

/**
 * The bus calls this for every message an extension publishes on its `…/vcd` topic whose
 * `type` is `BEHAVIOR_RESPONSE`. Returns false when no running invocation has that task id
 * (unknown, finished or malformed: VCD ignores such updates).
 */
export function deliverBehaviorResponse(ctx: SimContext, message: unknown): boolean {
  const sink = seamOf(ctx).sink;
  if (!sink || !isResponse(message)) return false;
  return sink(message);
}

function isResponse(message: unknown): message is BehaviorResponseMessage {
  if (!message || typeof message !== 'object') return false;
  const candidate = message as Record<string, unknown>;
  const headers = candidate['headers'] as Record<string, unknown> | undefined;
  return (
    candidate['type'] === 'BEHAVIOR_RESPONSE' &&
    !!headers &&
    typeof headers === 'object' &&
    typeof headers['taskId'] === 'string' &&
    typeof candidate['payload'] === 'string'
  );
}

/** Topics of an extension from its `urn:vcloud:extension-api:<vendor>:<name>:<version>` id. */
export function extensionTopics(serviceId: string): { ext: string; vcd: string } | undefined {
  const match = /^urn:vcloud:extension-api:([^:]+):([^:]+):([^:]+)$/.exec(serviceId);
  if (!match) return undefined;
  const base = `topic/extension/${match[1]}/${match[2]}/${match[3]}`;
  return { ext: `${base}/ext`, vcd: `${base}/vcd` };
}
