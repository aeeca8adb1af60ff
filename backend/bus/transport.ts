import type { BehaviorInvocation, BehaviorProgress } from './behavior-envelope.ts';
import type { ExtensionRequest, ExtensionResponse } from './envelope.ts';

/** Answers one API request; the one function every transport feeds (the API router plugs in here). */
export type RequestHandler = (request: ExtensionRequest) => Promise<ExtensionResponse>;

/**
 * Runs one RDE behaviour. `report` sends a running update to the VCD task; the returned value becomes the
 * task's result (strings as they are, anything else JSON-encoded); a thrown `BehaviorError` fails the task.
 */
export type BehaviorHandler = (
  invocation: BehaviorInvocation,
  report: (update: BehaviorProgress) => Promise<void>,
) => Promise<unknown>;

export interface TransportHandlers {
  request: RequestHandler;
  /** MQTT only; without it invocations fail with a task error naming the behaviour. */
  behavior?: BehaviorHandler;
  /**
   * MQTT standby replicas (not the leader): every invocation the leader answers, so this replica learns what it
   * carries (the entity's secure section). Must not act on it: the leader does.
   */
  observeBehavior?: (invocation: BehaviorInvocation) => void;
}

export interface TransportStatus {
  transport: 'amqp' | 'mqtt';
  /** Connected to the broker and consuming. */
  ready: boolean;
  /** Why not ready, in words an operator can act on. */
  detail?: string;
  inFlight: number;
}

export interface Transport {
  readonly name: 'amqp' | 'mqtt';
  /** Starts connecting and consuming; resolves after the first attempt, retrying in the background on failure. */
  start(handlers: TransportHandlers): Promise<void>;
  /** Stops consuming, lets in-flight requests finish and send their replies (up to `timeoutMs`), then disconnects. */
  stop(timeoutMs?: number): Promise<void>;
  status(): TransportStatus;
}
