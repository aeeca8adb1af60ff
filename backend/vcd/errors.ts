/**
 * Errors of the VCD client. Every failure a caller can act on is a `VcdError` carrying VCD's own status,
 * `minorErrorCode` and message; task failures and timeouts are subclasses so callers can tell them apart.
 */
export class VcdError extends Error {
  override readonly name: string = 'VcdError';
  constructor(
    /** HTTP status VCD answered (0 when VCD could not be reached). */
    readonly status: number,
    /** VCD's `minorErrorCode` (e.g. `RESOURCE_NOT_FOUND`, `BUSY_ENTITY`), or ours for transport failures. */
    readonly minorErrorCode: string,
    message: string,
    /** `METHOD path` of the call, without host or query (never a token). */
    readonly operation?: string,
  ) {
    super(message);
  }

  get isNotFound(): boolean {
    return this.status === 404;
  }

  /** Worth trying again: VCD busy, a 5xx, or no answer in time. */
  get isTransient(): boolean {
    return (
      this.status >= 500 ||
      this.status === 0 ||
      this.status === 429 ||
      this.minorErrorCode === 'BUSY_ENTITY' ||
      this.minorErrorCode === 'BUSY_OBJECT'
    );
  }
}

/** VCD did not answer within the per-call timeout (or the connection failed). */
export class VcdTimeoutError extends VcdError {
  override readonly name = 'VcdTimeoutError';
}

/** A VCD task ended in `error` or `aborted`; the message is VCD's. */
export class VcdTaskError extends VcdError {
  override readonly name = 'VcdTaskError';
  constructor(
    readonly taskId: string,
    readonly taskStatus: string,
    minorErrorCode: string,
    message: string,
  ) {
    super(400, minorErrorCode, message, `task ${taskId}`);
  }
}

/** Reads VCD's error body (`{minorErrorCode, message}` on cloudapi and /api; RFC 6749 `{error, …}` on /oauth). */
export function vcdErrorFromBody(status: number, body: unknown, operation: string): VcdError {
  if (typeof body === 'object' && body !== null) {
    const record = body as Record<string, unknown>;
    const message = record['message'] ?? record['error_description'];
    const code = record['minorErrorCode'] ?? record['error'];
    if (typeof message === 'string' || typeof code === 'string') {
      return new VcdError(
        status,
        typeof code === 'string' ? code : `HTTP_${status}`,
        typeof message === 'string' ? message : `VCD answered ${status}`,
        operation,
      );
    }
  }
  return new VcdError(status, `HTTP_${status}`, `VCD answered ${status} to ${operation}`, operation);
}
