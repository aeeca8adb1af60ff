import type { Json, JsonObject, KubeObject, ManagedFieldsEntry } from './objects.ts';
import { clone, isJsonObject, valueAt } from './objects.ts';
import { KubeStatusError, qualified } from './status.ts';

/**
 * A simple version of server-side apply's field ownership: a manager owns the leaf paths it set
 * (maps are walked, lists and scalars are leaves). Enough for `managedFields`, apply conflicts
 * between managers (409 unless `force`), and removing fields a manager stops applying.
 */
type Path = string[];

const ignoredMetadata = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'managedFields',
  'generateName',
  'selfLink',
]);

export function leafPaths(object: Json, prefix: Path = []): Path[] {
  if (!isJsonObject(object)) return [prefix];
  const paths: Path[] = [];
  for (const [key, value] of Object.entries(object)) {
    if (prefix.length === 0 && (key === 'apiVersion' || key === 'kind')) continue;
    if (prefix.length === 1 && prefix[0] === 'metadata' && ignoredMetadata.has(key)) continue;
    if (isJsonObject(value) && Object.keys(value).length > 0)
      paths.push(...leafPaths(value, [...prefix, key]));
    else paths.push([...prefix, key]);
  }
  return paths;
}

export function fieldsV1Of(paths: Path[]): JsonObject {
  const root: JsonObject = {};
  for (const path of paths) {
    let node = root;
    for (const key of path) {
      const next = (node[`f:${key}`] ??= {}) as JsonObject;
      node = next;
    }
  }
  return root;
}

export function pathsOfFieldsV1(fields: JsonObject, prefix: Path = []): Path[] {
  const entries = Object.entries(fields).filter(([key]) => key.startsWith('f:'));
  if (entries.length === 0) return prefix.length ? [prefix] : [];
  return entries.flatMap(([key, value]) =>
    pathsOfFieldsV1(isJsonObject(value) ? value : {}, [...prefix, key.slice(2)]),
  );
}

const keyOfPath = (path: Path): string => JSON.stringify(path);
const under = (path: Path, prefix: Path): boolean => prefix.every((key, index) => path[index] === key);

function deleteAt(object: JsonObject, path: Path): void {
  let node: Json | undefined = object;
  for (const key of path.slice(0, -1)) node = isJsonObject(node) ? node[key] : undefined;
  if (isJsonObject(node)) delete node[path[path.length - 1]!];
}

export interface ApplyOwnership {
  /** The object after removing fields this manager no longer applies. */
  object: KubeObject;
  managedFields: ManagedFieldsEntry[];
}

/**
 * Checks an apply by `manager` against the other appliers (409 `Conflict` naming the fields unless
 * `force`), removes fields the manager applied before but not now, and records its ownership.
 */
export function recordApply(input: {
  before: KubeObject | undefined;
  merged: KubeObject;
  applied: JsonObject;
  manager: string;
  force: boolean;
  apiVersion: string;
  time: string;
  resource: { plural: string; group: string };
}): ApplyOwnership {
  const appliedPaths = leafPaths(input.applied);
  const appliedKeys = new Set(appliedPaths.map(keyOfPath));
  const entries = clone(input.before?.metadata.managedFields ?? []);
  const conflicts: { manager: string; path: Path }[] = [];
  for (const entry of entries) {
    if (entry.manager === input.manager || entry.operation !== 'Apply') continue;
    for (const path of pathsOfFieldsV1(entry.fieldsV1)) {
      if (!appliedKeys.has(keyOfPath(path))) continue;
      const was = JSON.stringify(valueAt(input.before, path.join('.')));
      // Compared after merging, so defaults the server filled in (node ports, protocols) agree.
      const now = JSON.stringify(valueAt(input.merged, path.join('.')));
      if (was !== now) conflicts.push({ manager: entry.manager, path });
    }
  }
  if (conflicts.length > 0 && !input.force) {
    const name = input.merged.metadata.name ?? '';
    throw new KubeStatusError(
      'Conflict',
      `Apply failed with ${conflicts.length} conflict${conflicts.length > 1 ? 's' : ''}: ${conflicts
        .map((conflict) => `conflict with "${conflict.manager}": .${conflict.path.join('.')}`)
        .join('; ')}`,
      {
        name,
        group: input.resource.group || undefined,
        kind: qualified(input.resource.plural, input.resource.group),
        causes: conflicts.map((conflict) => ({
          reason: 'FieldManagerConflict',
          message: `conflict with "${conflict.manager}"`,
          field: `.${conflict.path.join('.')}`,
        })),
      },
    );
  }
  const object = clone(input.merged);
  const previous = entries.find((entry) => entry.manager === input.manager && entry.operation === 'Apply');
  const ownedByOthers = entries
    .filter((entry) => entry !== previous)
    .flatMap((entry) => pathsOfFieldsV1(entry.fieldsV1));
  for (const path of previous ? pathsOfFieldsV1(previous.fieldsV1) : []) {
    if (appliedKeys.has(keyOfPath(path)) || appliedPaths.some((applied) => under(applied, path))) continue;
    if (ownedByOthers.some((other) => under(other, path) || under(path, other))) continue;
    deleteAt(object as unknown as JsonObject, path);
  }
  // Forced fields leave their previous owners; agreeing values stay shared.
  const lost = (manager: string) =>
    new Set(
      conflicts
        .filter((conflict) => conflict.manager === manager)
        .map((conflict) => keyOfPath(conflict.path)),
    );
  const fieldsV1 = fieldsV1Of(appliedPaths);
  const own: ManagedFieldsEntry = {
    manager: input.manager,
    operation: 'Apply',
    apiVersion: input.apiVersion,
    // An apply that changes no ownership keeps its time, so re-applying is a no-op write.
    time:
      previous && JSON.stringify(previous.fieldsV1) === JSON.stringify(fieldsV1) ? previous.time : input.time,
    fieldsType: 'FieldsV1',
    fieldsV1,
  };
  const managedFields = (previous ? entries : [...entries, own])
    .map((entry) => (entry === previous ? own : entry))
    .map((entry) =>
      entry === own
        ? entry
        : {
            ...entry,
            fieldsV1: fieldsV1Of(
              pathsOfFieldsV1(entry.fieldsV1).filter((path) =>
                entry.operation !== 'Apply'
                  ? !appliedKeys.has(keyOfPath(path))
                  : !lost(entry.manager).has(keyOfPath(path)),
              ),
            ),
          },
    )
    .filter((entry) => Object.keys(entry.fieldsV1).length > 0);
  return { object, managedFields };
}

/** Records an update (create, PUT, non-apply patch): the manager owns what it sent. */
export function recordUpdate(input: {
  before: KubeObject | undefined;
  sent: Json;
  manager: string;
  apiVersion: string;
  time: string;
  subresource?: string;
}): ManagedFieldsEntry[] {
  const entries = clone(input.before?.metadata.managedFields ?? []);
  const sentPaths = leafPaths(input.sent).filter((path) =>
    input.subresource === 'status' ? path[0] === 'status' : path[0] !== 'status',
  );
  const existing = entries.find(
    (entry) =>
      entry.manager === input.manager &&
      entry.operation === 'Update' &&
      entry.subresource === input.subresource,
  );
  const merged = existing ? [...pathsOfFieldsV1(existing.fieldsV1), ...sentPaths] : sentPaths;
  const unique = [...new Map(merged.map((path) => [keyOfPath(path), path])).values()];
  const fieldsV1 = fieldsV1Of(unique);
  const entry: ManagedFieldsEntry = {
    manager: input.manager,
    operation: 'Update',
    apiVersion: input.apiVersion,
    time:
      existing && JSON.stringify(existing.fieldsV1) === JSON.stringify(fieldsV1) ? existing.time : input.time,
    fieldsType: 'FieldsV1',
    fieldsV1,
    ...(input.subresource ? { subresource: input.subresource } : {}),
  };
  if (unique.length === 0) return entries;
  return existing
    ? entries.map((candidate) => (candidate === existing ? entry : candidate))
    : [...entries, entry];
}
