import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import type { WorldStore } from '../world/store.ts';
import { fail } from './errors.ts';

/**
 * Optimistic concurrency for objects served with an ETag (RDEs first of all). Every object has a
 * version in `world.objectVersions`; its strong ETag changes with each update. `guardedUpdate`
 * serialises updates of one object, checks `If-Match` inside that critical section, runs the
 * update and bumps the version, so of two racing updates with the same ETag exactly one wins and
 * the other gets 412.
 */
export function etagOf(store: WorldStore, id: string): string {
  const version = store.world.objectVersions[id] ?? 0;
  const idHash = createHash('sha1').update(id).digest('hex').slice(0, 8);
  return `"${store.world.meta.generation}-${idHash}-${version}"`;
}

/** Sets the ETag header of a response that serves the object `id`. */
export function sendEtag(store: WorldStore, res: Response, id: string): void {
  res.setHeader('ETag', etagOf(store, id));
}

/** Counts an update of `id` without a request (e.g. the simulator itself changed its status). */
export function bumpVersion(store: WorldStore, id: string): string {
  store.world.objectVersions[id] = (store.world.objectVersions[id] ?? 0) + 1;
  return etagOf(store, id);
}

export function forgetVersion(store: WorldStore, id: string): void {
  delete store.world.objectVersions[id];
}

function ifMatchAccepts(header: string, current: string): boolean {
  const tags = header.split(',').map((tag) => tag.trim());
  // Weak tags never match under the strong comparison If-Match requires.
  return tags.some((tag) => tag === '*' || tag === current);
}

const queues = new Map<string, Promise<unknown>>();

/** Runs `work` after every earlier call for the same key has settled. */
export function serialised<T>(key: string, work: () => T | Promise<T>): Promise<T> {
  const previous = queues.get(key) ?? Promise.resolve();
  const run = previous.then(work, work);
  const tail = run.then(
    () => undefined,
    () => undefined,
  );
  queues.set(key, tail);
  void tail.then(() => {
    if (queues.get(key) === tail) queues.delete(key);
  });
  return run;
}

export interface GuardOptions {
  /** Answer 428 when the request has no If-Match (VCD does not require it for RDEs; off by default). */
  requireIfMatch?: boolean;
}

/**
 * Checks `If-Match` against the object's current ETag and, when it matches, runs `update` and
 * bumps the version; the response gets the new ETag. 412 (VCD body) when it does not match.
 */
export function guardedUpdate<T>(
  store: WorldStore,
  req: Request,
  res: Response,
  id: string,
  update: () => T | Promise<T>,
  options: GuardOptions = {},
): Promise<T> {
  return serialised(id, async () => {
    const header = req.get('if-match');
    const current = etagOf(store, id);
    if (header === undefined) {
      if (options.requireIfMatch) fail('preconditionRequired', { id });
    } else if (!ifMatchAccepts(header, current)) {
      fail('preconditionFailed', { id, etag: header });
    }
    const result = await update();
    res.setHeader('ETag', bumpVersion(store, id));
    return result;
  });
}
