/**
 * Optimistic concurrency as VCD does it: read with the ETag, write with `If-Match`, and on 412 (someone else wrote
 * in between) read again and re-apply the change. The change function must be pure in the object it is given.
 */
import type { VcdClient, VcdResponse } from './client.ts';
import { VcdError } from './errors.ts';

export interface GuardedUpdateOptions {
  /** Reads before giving up on repeated conflicts; default 5. */
  attempts?: number;
}

/** Returns `undefined` from `change` to leave the object as it is (no write). */
export async function updateWithEtag<T>(
  client: VcdClient,
  path: string,
  change: (current: T) => T | undefined,
  options: GuardedUpdateOptions = {},
): Promise<VcdResponse<T> | undefined> {
  const attempts = options.attempts ?? 5;
  for (let attempt = 1; ; attempt += 1) {
    const current = await client.get<T>(path);
    const next = change(current.body);
    if (next === undefined) return undefined;
    try {
      // Not retried blindly: a retry must start again from a fresh read.
      return await client.put<T>(path, next, { ifMatch: current.etag, retry: 'never' });
    } catch (error) {
      if (error instanceof VcdError && error.status === 412 && attempt < attempts) continue;
      throw error;
    }
  }
}
