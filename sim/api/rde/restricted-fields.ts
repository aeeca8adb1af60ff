import { fail } from '../../http/errors.ts';
import type { JsonObject, JsonValue } from '../../world/json.ts';

/**
 * Field-level access of RDEs (`x-vcloud-restricted` in the type's schema, SL
 * `documentation/extensibility-platform/defined-entities/rde-access-control.md`): `protected` fields
 * are written only by callers with Full Control of the entity, `private` fields are read and written
 * only by them, and `secure` fields (always with one of the others) are never returned by the entity
 * API: omitted before API 38.0, masked as `******` from 38.0. A marker on an object covers its whole
 * subtree (CSE 4.2's `vmware:capvcdCluster:1.3.0` marks the objects `spec.vcdKe.secure` and
 * `status.capvcd.private`, not their leaves).
 */
export interface RestrictedPath {
  /** Property names from the entity root; `*` stands for every item of an array. */
  path: string[];
  protected: boolean;
  private: boolean;
  secure: boolean;
}

export const secureMask = '******';

/** From API 38.0 VCD masks secure fields instead of omitting them, and reads a PUT accordingly. */
export function masksSecureFields(apiVersion: string): boolean {
  return Number.parseFloat(apiVersion) >= 38;
}
const cache = new WeakMap<object, RestrictedPath[]>();

function markersOf(node: Record<string, unknown>): Set<string> {
  const raw = node['x-vcloud-restricted'];
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return new Set(list.filter((value): value is string => typeof value === 'string'));
}

/** Restricted fields of a schema (markers under `definitions` are ignored, as in VCD). */
export function restrictedPaths(schema: JsonObject): RestrictedPath[] {
  let paths = cache.get(schema);
  if (paths) return paths;
  paths = [];
  const walk = (node: unknown, path: string[]) => {
    if (!node || typeof node !== 'object' || Array.isArray(node) || path.length > 32) return;
    const record = node as Record<string, unknown>;
    const markers = markersOf(record);
    if (path.length > 0 && (markers.has('protected') || markers.has('private') || markers.has('secure'))) {
      paths!.push({
        path,
        protected: markers.has('protected'),
        private: markers.has('private'),
        secure: markers.has('secure'),
      });
    }
    const properties = record['properties'];
    if (properties && typeof properties === 'object') {
      for (const [key, child] of Object.entries(properties)) walk(child, [...path, key]);
    }
    if (record['items'] && typeof record['items'] === 'object') walk(record['items'], [...path, '*']);
  };
  walk(schema, []);
  cache.set(schema, paths);
  return paths;
}

type Segment = string | number;

function isContainer(value: unknown): value is Record<string, JsonValue> | JsonValue[] {
  return value !== null && typeof value === 'object';
}

/** Concrete paths of a pattern that exist in `root`. */
function concretePaths(root: JsonValue | undefined, pattern: string[]): Segment[][] {
  let current: { value: JsonValue | undefined; path: Segment[] }[] = [{ value: root, path: [] }];
  for (const segment of pattern) {
    const next: typeof current = [];
    for (const { value, path } of current) {
      if (segment === '*') {
        if (Array.isArray(value))
          value.forEach((item, index) => next.push({ value: item, path: [...path, index] }));
      } else if (isContainer(value) && !Array.isArray(value) && segment in value) {
        next.push({ value: value[segment], path: [...path, segment] });
      }
    }
    current = next;
  }
  return current.map((entry) => entry.path);
}

function getAt(root: JsonValue | undefined, path: Segment[]): { present: boolean; value?: JsonValue } {
  let value: JsonValue | undefined = root;
  for (const segment of path) {
    if (!isContainer(value)) return { present: false };
    const child: JsonValue | undefined = (value as Record<Segment, JsonValue>)[segment];
    if (child === undefined) return { present: false };
    value = child;
  }
  return { present: true, value };
}

function setAt(root: JsonObject, path: Segment[], value: JsonValue | undefined): void {
  let container: Record<Segment, JsonValue> = root;
  for (const segment of path.slice(0, -1)) {
    let child = container[segment];
    if (!isContainer(child)) {
      if (value === undefined) return;
      child = {};
      container[segment] = child;
    }
    container = child as Record<Segment, JsonValue>;
  }
  const last = path[path.length - 1]!;
  if (value === undefined) {
    if (Array.isArray(container)) container[last as number] = null;
    else delete container[last];
  } else container[last] = value;
}

export function deepEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (!isContainer(a) || !isContainer(b) || Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as JsonValue[];
    return a.length === other.length && a.every((item, index) => deepEqual(item, other[index]));
  }
  const left = a as Record<string, JsonValue>;
  const right = b as Record<string, JsonValue>;
  const keys = Object.keys(left);
  return (
    keys.length === Object.keys(right).length &&
    keys.every((key) => key in right && deepEqual(left[key], right[key]))
  );
}

export interface ReadView {
  /** The caller has Full Control of the entity (sees private fields). */
  fullControl: boolean;
  /** `omit` before API 38.0, `mask` from 38.0. */
  secure: 'omit' | 'mask' | 'reveal';
}

/**
 * The entity contents a caller may read. Copies only the containers along restricted paths,
 * so rendering thousands of entities in a list stays cheap.
 */
export function readableContents(entity: JsonObject, paths: RestrictedPath[], view: ReadView): JsonObject {
  const hidden = paths.filter(
    (path) => (path.private && !view.fullControl) || (path.secure && view.secure !== 'reveal'),
  );
  if (hidden.length === 0) return entity;
  const copies = new WeakSet<object>();
  const copy = <T extends Record<string, JsonValue> | JsonValue[]>(value: T): T => {
    const result = (Array.isArray(value) ? [...value] : { ...value }) as T;
    copies.add(result);
    return result;
  };
  const top = copy(entity);
  const visit = (
    container: Record<Segment, JsonValue>,
    path: string[],
    index: number,
    mode: 'omit' | 'mask',
  ) => {
    const segment = path[index]!;
    const keys: Segment[] =
      segment === '*' ? (Array.isArray(container) ? container.map((_, i) => i) : []) : [segment];
    for (const key of keys) {
      const child = container[key];
      if (child === undefined) continue;
      if (index === path.length - 1) {
        if (mode === 'omit') {
          if (Array.isArray(container)) container[key as number] = null;
          else delete container[key];
        } else if (child !== null) container[key] = secureMask;
      } else if (isContainer(child)) {
        const owned = copies.has(child) ? child : copy(child);
        container[key] = owned;
        visit(owned as Record<Segment, JsonValue>, path, index + 1, mode);
      }
    }
  };
  for (const path of hidden) {
    const mode = path.private && !view.fullControl ? 'omit' : view.secure === 'mask' ? 'mask' : 'omit';
    visit(top, path.path, 0, mode);
  }
  return top;
}

/** How a write treats restricted fields: who writes, and how the request's API version reads secure fields. */
export interface WriteRules {
  /** The caller has Full Control of the entity (may write protected and private fields). */
  fullControl: boolean;
  /** API 38.0 or later (`masksSecureFields`). */
  masked: boolean;
  /** Refuses a change to a field the caller may not write. */
  forbidden: (field: string) => never;
}

/**
 * Merges a written entity with the stored one (SL `rde-access-control.md`, "Updating a defined entity
 * instance with secure fields"). A secure field set to `null` is deleted; any other value replaces it,
 * except `******` from API 38.0, which keeps the stored value. A secure field left out is kept before
 * 38.0 and deleted from 38.0. Protected and private fields keep their value for callers without Full
 * Control, who get 403 when they try to change one. Mutates and returns `written`.
 */
export function mergeWrite(
  stored: JsonObject,
  written: JsonObject,
  paths: RestrictedPath[],
  rules: WriteRules,
): JsonObject {
  for (const restricted of paths) {
    const writable = rules.fullControl || !(restricted.protected || restricted.private);
    const seen = new Set<string>();
    const candidates = [
      ...concretePaths(stored, restricted.path),
      ...concretePaths(written, restricted.path),
    ];
    for (const path of candidates) {
      const key = JSON.stringify(path);
      if (seen.has(key)) continue;
      seen.add(key);
      const before = getAt(stored, path);
      const after = getAt(written, path);
      // Guess (the doc does not say): a mask where nothing is stored stores nothing, not the asterisks.
      if (restricted.secure && rules.masked && after.present && after.value === secureMask) {
        setAt(written, path, before.value);
        continue;
      }
      if (!writable) {
        if (!after.present || deepEqual(after.value, before.value)) {
          setAt(written, path, before.value);
          continue;
        }
        rules.forbidden(path.join('.'));
      }
      if (!restricted.secure) continue;
      if (!after.present && !rules.masked) setAt(written, path, before.value);
      else if (after.present && after.value === null) setAt(written, path, undefined);
    }
  }
  return written;
}

export function failRestricted(field: string, right: string): never {
  fail('missingRight', {
    rights: right,
    operation: `write the restricted field "${field}"`,
  });
}
