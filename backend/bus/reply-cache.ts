import type { ExtensionResponse } from './envelope.ts';

/** What we know about one request id: its (possibly pending) answer and where that answer has gone. */
export interface ReplyCacheEntry {
  response: Promise<ExtensionResponse>;
  settled: boolean;
  /** Correlation ids whose reply the broker confirmed: a redelivery of those needs only an ack. */
  confirmedCorrelations: Set<string>;
  /** Deliveries whose reply could not be published (e.g. the reply exchange does not exist). */
  failedReplyAttempts: number;
  expiresAt: number;
}

/**
 * Answers of recent requests by request id, so a redelivered or repeated request is answered again
 * without running twice. Bounded in size (oldest first out) and in time (`ttlMs` after the answer).
 * Holds the pending promise too, so a duplicate that arrives while the first is running waits for it.
 */
export class ReplyCache {
  private readonly entries = new Map<string, ReplyCacheEntry>();

  constructor(
    private readonly options: { ttlMs: number; maxEntries: number },
    private readonly now: () => number = Date.now,
  ) {}

  get(requestId: string): ReplyCacheEntry | undefined {
    const entry = this.entries.get(requestId);
    if (!entry) return undefined;
    if (entry.settled && entry.expiresAt <= this.now()) {
      this.entries.delete(requestId);
      return undefined;
    }
    return entry;
  }

  /** Records a request as started; the entry expires `ttlMs` after its response settles. */
  remember(requestId: string, response: Promise<ExtensionResponse>): ReplyCacheEntry {
    const entry: ReplyCacheEntry = {
      response,
      settled: false,
      confirmedCorrelations: new Set(),
      failedReplyAttempts: 0,
      expiresAt: Number.POSITIVE_INFINITY,
    };
    this.entries.delete(requestId);
    this.entries.set(requestId, entry);
    void response.then(
      () => this.settle(entry),
      () => this.settle(entry),
    );
    this.evict();
    return entry;
  }

  forget(requestId: string): void {
    this.entries.delete(requestId);
  }

  get size(): number {
    return this.entries.size;
  }

  private settle(entry: ReplyCacheEntry): void {
    entry.settled = true;
    entry.expiresAt = this.now() + this.options.ttlMs;
  }

  private evict(): void {
    const now = this.now();
    for (const [id, entry] of this.entries) {
      if (this.entries.size <= this.options.maxEntries && !(entry.settled && entry.expiresAt <= now)) break;
      this.entries.delete(id);
    }
  }
}
