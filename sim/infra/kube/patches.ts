import type { Json, JsonObject } from './objects.ts';
import { clone, isJsonObject } from './objects.ts';
import { KubeStatusError } from './status.ts';

/** RFC 7386 JSON merge patch: maps merge, `null` deletes, anything else replaces. */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isJsonObject(patch)) return clone(patch);
  const result: JsonObject = isJsonObject(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key] ?? null, value);
  }
  return result;
}

/**
 * Keys that identify elements of Kubernetes' associative lists (containers by `name`, service
 * ports by `port`, container ports by `containerPort`, …), in the order they are tried. Lists of
 * maps carrying one of them merge element by element; other lists are replaced.
 */
const mergeKeys = ['name', 'containerPort', 'port', 'mountPath', 'devicePath', 'ip', 'type', 'topologyKey'];

function mergeKeyOf(elements: Json[]): string | undefined {
  if (elements.length === 0 || !elements.every(isJsonObject)) return undefined;
  return mergeKeys.find((key) => (elements as JsonObject[]).every((element) => element[key] !== undefined));
}

/**
 * Strategic merge patch, simplified: maps merge as in a merge patch; lists of maps with a merge
 * key merge by it (`$patch: delete` removes an element); other lists are replaced. Directives
 * kubectl sends (`$setElementOrder/…`, `$retainKeys`, `$deleteFromPrimitiveList/…`) are honoured
 * loosely or ignored, which is enough for `kubectl apply`.
 */
export function strategicMergePatch(target: Json, patch: Json): Json {
  if (!isJsonObject(patch)) return clone(patch);
  if (patch['$patch'] === 'replace') {
    const { $patch: _ignored, ...rest } = patch;
    return clone(rest);
  }
  const result: JsonObject = isJsonObject(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$setElementOrder/') || key === '$retainKeys' || key === '$patch') continue;
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const field = key.slice('$deleteFromPrimitiveList/'.length);
      const current = result[field];
      if (Array.isArray(current) && Array.isArray(value))
        result[field] = current.filter((item) => !value.some((gone) => gone === item));
      continue;
    }
    if (value === null) {
      delete result[key];
      continue;
    }
    const current = result[key];
    if (Array.isArray(value) && Array.isArray(current)) {
      const mergeKey = mergeKeyOf([...value, ...current]);
      if (mergeKey) {
        result[key] = mergeLists(
          current as JsonObject[],
          value as JsonObject[],
          mergeKey,
          strategicMergePatch,
        );
        continue;
      }
    }
    result[key] = strategicMergePatch(current ?? null, value);
  }
  return result;
}

function mergeLists(
  current: JsonObject[],
  patch: JsonObject[],
  mergeKey: string,
  merge: (target: Json, patch: Json) => Json,
): JsonObject[] {
  const result = clone(current);
  for (const element of patch) {
    const index = result.findIndex((existing) => existing[mergeKey] === element[mergeKey]);
    if (element['$patch'] === 'delete') {
      if (index >= 0) result.splice(index, 1);
    } else if (index >= 0) result[index] = merge(result[index]!, element) as JsonObject;
    else result.push(merge(null, element) as JsonObject);
  }
  return result;
}

type JsonPatchOperation = { op: string; path: string; value?: Json; from?: string };

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new KubeStatusError('BadRequest', `invalid JSON pointer "${path}"`);
  return path
    .slice(1)
    .split('/')
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(root: Json, tokens: string[], path: string): { parent: JsonObject | Json[]; key: string } {
  let current: Json = root;
  for (const token of tokens.slice(0, -1)) {
    const next: Json | undefined = Array.isArray(current)
      ? current[Number(token)]
      : isJsonObject(current)
        ? current[token]
        : undefined;
    if (next === undefined) throw new KubeStatusError('Invalid', `the path "${path}" does not exist`);
    current = next;
  }
  if (!Array.isArray(current) && !isJsonObject(current))
    throw new KubeStatusError('Invalid', `the path "${path}" does not exist`);
  return { parent: current, key: tokens[tokens.length - 1]! };
}

function read(root: Json, path: string): Json {
  let current: Json | undefined = root;
  for (const token of pointer(path))
    current = Array.isArray(current)
      ? current[Number(token)]
      : isJsonObject(current)
        ? current[token]
        : undefined;
  if (current === undefined) throw new KubeStatusError('Invalid', `the path "${path}" does not exist`);
  return current;
}

function remove(root: Json, path: string): Json {
  const { parent, key } = parentOf(root, pointer(path), path);
  const value = read(root, path);
  if (Array.isArray(parent)) parent.splice(Number(key), 1);
  else delete parent[key];
  return value;
}

function add(root: Json, path: string, value: Json): Json {
  const tokens = pointer(path);
  if (tokens.length === 0) return clone(value);
  const { parent, key } = parentOf(root, tokens, path);
  if (Array.isArray(parent)) {
    const index = key === '-' ? parent.length : Number(key);
    if (!(index >= 0 && index <= parent.length))
      throw new KubeStatusError('Invalid', `index out of range in "${path}"`);
    parent.splice(index, 0, clone(value));
  } else parent[key] = clone(value);
  return root;
}

/** RFC 6902 JSON patch: add, remove, replace, move, copy, test. */
export function jsonPatch(target: Json, operations: Json): Json {
  if (!Array.isArray(operations))
    throw new KubeStatusError('BadRequest', 'a JSON patch must be an array of operations');
  let document = clone(target);
  for (const raw of operations) {
    if (!isJsonObject(raw) || typeof raw['op'] !== 'string' || typeof raw['path'] !== 'string')
      throw new KubeStatusError('BadRequest', 'each JSON patch operation needs "op" and "path"');
    const operation = raw as unknown as JsonPatchOperation;
    switch (operation.op) {
      case 'add':
        document = add(document, operation.path, operation.value ?? null);
        break;
      case 'remove':
        remove(document, operation.path);
        break;
      case 'replace':
        read(document, operation.path);
        if (pointer(operation.path).length === 0) document = clone(operation.value ?? null);
        else {
          remove(document, operation.path);
          document = add(document, operation.path, operation.value ?? null);
        }
        break;
      case 'move':
        document = add(document, operation.path, remove(document, operation.from ?? ''));
        break;
      case 'copy':
        document = add(document, operation.path, read(document, operation.from ?? ''));
        break;
      case 'test':
        if (JSON.stringify(read(document, operation.path)) !== JSON.stringify(operation.value ?? null))
          throw new KubeStatusError('Invalid', `test operation failed at "${operation.path}"`);
        break;
      default:
        throw new KubeStatusError('BadRequest', `unknown JSON patch operation "${operation.op}"`);
    }
  }
  return document;
}

/** Server-side apply merges like a strategic merge without deletions (lists by merge key). */
export function applyMerge(target: Json, applied: Json): Json {
  if (!isJsonObject(applied)) return clone(applied);
  const result: JsonObject = isJsonObject(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(applied)) {
    const current = result[key];
    if (Array.isArray(value) && Array.isArray(current)) {
      const mergeKey = mergeKeyOf([...value, ...current]);
      if (mergeKey) {
        // An applied list is the whole list this manager wants: elements it no longer names go.
        const kept = (current as JsonObject[]).filter((element) =>
          (value as JsonObject[]).some((wanted) => wanted[mergeKey] === element[mergeKey]),
        );
        result[key] = mergeLists(kept, value as JsonObject[], mergeKey, applyMerge);
        continue;
      }
    }
    result[key] = applyMerge(current ?? null, value);
  }
  return result;
}
