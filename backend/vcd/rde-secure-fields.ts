/**
 * Secure RDE fields (`x-vcloud-restricted: [..., secure]`) across entity writes. Source: the SL's
 * `documentation/extensibility-platform/defined-entities/rde-access-control.md`, "Field Encryption" and "Updating a
 * defined entity instance with secure fields". From API 38.0 a GET answers each secure field as `******`, and a PUT
 * keeps a field sent as `******`, replaces it with any other value and DELETES it when it is `null` or left out.
 * Before 38.0 a GET omits secure fields and a PUT keeps the ones it leaves out.
 *
 * So the worker writes an entity back as it read it, masks included: that body keeps every secure field at either
 * version, without the worker knowing the type's schema. A field it sets goes with its value, a field it deletes
 * goes as `null`. These helpers keep that true when a writer rebuilds part of an entity, and keep clear secrets
 * out of the copies a writer holds on to after a write.
 */

/** What VCD shows in place of a secure field's value from API 38.0. */
export const SECURE_MASK = '******';
export type SecureMask = typeof SECURE_MASK;

type Segment = string | number;
type Container = Record<string, unknown> | unknown[];

function isContainer(value: unknown): value is Container {
  return typeof value === 'object' && value !== null;
}

function child(container: Container, key: Segment): unknown {
  return (container as Record<Segment, unknown>)[key];
}

function hasKey(container: Container, key: Segment): boolean {
  return Array.isArray(container) ? typeof key === 'number' && key < container.length : key in container;
}

/** Every path of `root` whose value is the mask. */
function maskedPaths(root: unknown, path: Segment[] = [], found: Segment[][] = []): Segment[][] {
  if (root === SECURE_MASK) found.push(path);
  else if (Array.isArray(root)) root.forEach((item, index) => maskedPaths(item, [...path, index], found));
  else if (isContainer(root)) {
    for (const [key, value] of Object.entries(root)) maskedPaths(value, [...path, key], found);
  }
  return found;
}

/**
 * Puts back into `next` the masked values `read` held where `next` left the field out (the mask keeps a secure
 * field from API 38.0; leaving it out would delete it). A field `next` sets, to a value or to `null`, stays as
 * `next` has it, and so does a branch `next` replaced with something that is not an object. Missing objects on the
 * way are recreated; array items are matched by position and never added. Masks come only from `read`, so none
 * is sent for a field VCD does not hold. Answers a copy of `next` with the masks put back, or `next` itself when
 * `read` holds none (before API 38.0), so a writer pays for the copy only when there is a mask to keep.
 */
export function keepSecureFields<T>(read: unknown, next: T): T {
  const paths = maskedPaths(read);
  if (paths.length === 0) return next;
  const kept = structuredClone(next);
  for (const path of paths) restoreMask(kept, path);
  return kept;
}

function restoreMask(root: unknown, path: Segment[]): void {
  let container = root;
  for (const [index, key] of path.entries()) {
    if (!isContainer(container) || Array.isArray(container) !== (typeof key === 'number')) return;
    const rest = path.slice(index + 1);
    if (rest.length === 0) {
      if (!Array.isArray(container) && !(key in container)) container[key] = SECURE_MASK;
      return;
    }
    const inner = child(container, key);
    if (inner === undefined) {
      if (Array.isArray(container) || rest.some((segment) => typeof segment === 'number')) return;
      let built: Record<string, unknown> = {};
      container[key] = built;
      for (const segment of rest.slice(0, -1)) {
        const deeper: Record<string, unknown> = {};
        built[segment] = deeper;
        built = deeper;
      }
      built[rest[rest.length - 1]!] = SECURE_MASK;
      return;
    }
    container = inner;
  }
}

/**
 * Replaces in `written` the values VCD answered masked (`served`, its answer to the write) with the mask, so the
 * writer's copy no longer holds the clear secrets it sent, and its next write keeps them. Before API 38.0 VCD
 * omits secure fields instead, which does not say which fields were secure: `written` keeps them then (writing them
 * again is harmless). Mutates and answers `written`.
 */
export function adoptMasks<T>(written: T, served: unknown): T {
  if (!isContainer(written)) return written;
  for (const path of maskedPaths(served)) {
    let container: unknown = written;
    for (const key of path.slice(0, -1))
      container = isContainer(container) ? child(container, key) : undefined;
    const key = path[path.length - 1];
    if (key !== undefined && isContainer(container) && hasKey(container, key))
      (container as Record<Segment, unknown>)[key] = SECURE_MASK;
  }
  return written;
}
