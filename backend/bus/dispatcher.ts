import type { Logger } from 'pino';
import type { EnvelopeError, ExtensionRequest, ExtensionResponse } from './envelope.ts';
import type { BusMetrics } from './metrics.ts';
import type { ReplyCache, ReplyCacheEntry } from './reply-cache.ts';
import { vcdErrorResponse } from './responses.ts';
import type { RequestHandler } from './transport.ts';

export interface Dispatched {
  response: ExtensionResponse;
  /** The request was seen before: the answer comes from the cache and the handler did not run again. */
  fromCache: boolean;
  /** Absent for answers that are not cached (429). */
  entry?: ReplyCacheEntry;
}

export interface DispatcherOptions {
  transport: 'amqp' | 'mqtt';
  handler: RequestHandler;
  maxInFlight: number;
  cache: ReplyCache;
  metrics: BusMetrics;
  logger: Logger;
}

/**
 * What both transports do between decoding and replying: answer repeats from the reply cache, refuse
 * with 429 beyond `maxInFlight`, run the handler, turn a thrown error into a 500 (logged, never sent),
 * and count it all.
 */
export class RequestDispatcher {
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly options: DispatcherOptions) {}

  get active(): number {
    return this.inFlight;
  }

  async dispatch(request: ExtensionRequest): Promise<Dispatched> {
    const { transport, metrics, cache } = this.options;
    const seen = cache.get(request.id);
    if (seen) {
      metrics.answeredFromCache.inc({ transport });
      return { response: await seen.response, fromCache: true, entry: seen };
    }
    if (this.inFlight >= this.options.maxInFlight) {
      metrics.requests.inc({ transport, status: '429' });
      return {
        response: vcdErrorResponse(
          429,
          'TOO_MANY_REQUESTS',
          `The worker is handling ${this.inFlight} requests, its limit; retry shortly`,
        ),
        fromCache: false,
      };
    }
    this.inFlight += 1;
    metrics.inFlight.set({ transport }, this.inFlight);
    const entry = cache.remember(request.id, this.run(request));
    try {
      const response = await entry.response;
      metrics.requests.inc({ transport, status: String(response.statusCode) });
      return { response, fromCache: false, entry };
    } finally {
      this.inFlight -= 1;
      metrics.inFlight.set({ transport }, this.inFlight);
      if (this.inFlight === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }

  /**
   * The answer to a request that could not be decoded but names its id: a client error (400, or 413
   * for an oversized body) beats a silent dead letter. Counted like any answered request.
   */
  answerUndecodable(error: EnvelopeError): ExtensionResponse {
    this.options.metrics.requests.inc({
      transport: this.options.transport,
      status: String(error.statusCode),
    });
    return vcdErrorResponse(
      error.statusCode,
      error.code === 'BODY_TOO_LARGE' ? 'REQUEST_TOO_LARGE' : 'BAD_REQUEST',
      error.message,
    );
  }

  /** Resolves when no handler is running. */
  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async run(request: ExtensionRequest): Promise<ExtensionResponse> {
    try {
      return await this.options.handler(request);
    } catch (error) {
      this.options.logger.error(
        { err: error, requestId: request.id, method: request.method, path: request.path },
        'request handler failed',
      );
      return vcdErrorResponse(
        500,
        'INTERNAL_SERVER_ERROR',
        `Internal error while handling request ${request.id}`,
      );
    }
  }
}
