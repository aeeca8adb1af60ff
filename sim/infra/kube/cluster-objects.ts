import { randomUUID } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { recordApply, recordUpdate } from './field-ownership.ts';
import type { ObjectStore } from './object-store.ts';
import type { Json, JsonObject, KubeObject, ManagedFieldsEntry } from './objects.ts';
import { clone, isJsonObject, timestamp } from './objects.ts';
import { applyMerge, jsonPatch, mergePatch, strategicMergePatch } from './patches.ts';
import type { ResourceRegistry, ResourceType } from './resources.ts';
import { groupVersionOf } from './resources.ts';
import { alreadyExists, invalid, KubeStatusError, notFound, qualified } from './status.ts';

export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
  /** `status` writes change only `.status`; main writes keep it (for types with a status subresource). */
  subresource?: 'status';
}

export type PatchType = 'merge' | 'strategic' | 'json' | 'apply';

/**
 * Admission for one kind: defaults and checks a write before it is stored (throw a 422 to refuse),
 * and reacts after a write or delete. Services allocate ports here; CRDs register their types.
 */
export interface Admission {
  admit?(type: ResourceType, object: KubeObject, previous: KubeObject | undefined): void;
  stored?(type: ResourceType, object: KubeObject): void;
  deleted?(type: ResourceType, object: KubeObject): void;
}

const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dnsSubdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const labelNameKinds = new Set(['Namespace', 'Service']);
const randomSuffixAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

export function randomSuffix(length = 5): string {
  let suffix = '';
  for (let index = 0; index < length; index++)
    suffix += randomSuffixAlphabet[Math.floor(Math.random() * randomSuffixAlphabet.length)];
  return suffix;
}

/** What a write changes apart from metadata and status (a change bumps `metadata.generation`). */
function specOf(object: KubeObject): string {
  const { metadata: _metadata, status: _status, ...rest } = object;
  return JSON.stringify(rest);
}

/**
 * The API server's object logic, shared by HTTP handlers and controllers: metadata (uid,
 * resourceVersion, generation, creationTimestamp, managedFields), validation, the status
 * subresource, patches of every kind, server-side apply, dry runs, cascading deletes.
 */
export class ClusterObjects {
  readonly admissions = new Map<string, Admission>();

  constructor(
    readonly store: ObjectStore,
    readonly resources: ResourceRegistry,
    private readonly now: () => number,
  ) {}

  typeOf(apiVersion: string, kind: string): ResourceType {
    const type = this.resources.byKind(apiVersion, kind);
    if (!type)
      throw new KubeStatusError('NotFound', `no matches for kind "${kind}" in version "${apiVersion}"`);
    return type;
  }

  find(type: ResourceType, namespace: string, name: string): KubeObject | undefined {
    return this.store.get(type, type.namespaced ? namespace : '', name);
  }

  get(type: ResourceType, namespace: string, name: string): KubeObject {
    const found = this.find(type, namespace, name);
    if (!found) throw notFound(type.plural, type.group, name);
    return found;
  }

  list(type: ResourceType, namespace?: string): KubeObject[] {
    return this.store.list(type, type.namespaced ? namespace : undefined);
  }

  create(type: ResourceType, namespace: string, body: unknown, options: WriteOptions = {}): KubeObject {
    return this.#create(type, namespace, body, options);
  }

  #create(
    type: ResourceType,
    namespace: string,
    body: unknown,
    options: WriteOptions,
    managedFields?: ManagedFieldsEntry[],
  ): KubeObject {
    const object = this.#checkBody(type, namespace, body);
    const meta = object.metadata;
    if (!meta.name && meta.generateName) meta.name = `${meta.generateName}${randomSuffix()}`;
    this.#checkName(type, object);
    if (type.namespaced) this.#requireNamespace(meta.namespace!);
    if (this.find(type, meta.namespace ?? '', meta.name!))
      throw alreadyExists(type.plural, type.group, meta.name!);
    const time = timestamp(this.now());
    meta.uid = randomUUID();
    meta.creationTimestamp = time;
    meta.generation = 1;
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    if (type.hasStatus && options.subresource !== 'status' && type.kind !== 'Node' && type.kind !== 'Pod')
      delete object['status'];
    meta.managedFields =
      managedFields ??
      recordUpdate({
        before: undefined,
        sent: body as Json,
        manager: options.fieldManager ?? 'unknown',
        apiVersion: object.apiVersion,
        time,
      });
    if (meta.managedFields.length === 0) delete meta.managedFields;
    return this.#store(type, object, undefined, options);
  }

  /** PUT: replaces the object; a stale `metadata.resourceVersion` is a 409. */
  update(
    type: ResourceType,
    namespace: string,
    name: string,
    body: unknown,
    options: WriteOptions = {},
  ): KubeObject {
    const object = this.#checkBody(type, namespace, body);
    if (object.metadata.name !== name)
      throw new KubeStatusError('BadRequest', 'the name of the object does not match the name on the URL');
    const before = this.get(type, namespace, name);
    const sentVersion = object.metadata.resourceVersion;
    if (sentVersion && sentVersion !== before.metadata.resourceVersion) throw this.#conflict(type, name);
    return this.#replace(type, before, object, options, body as Json);
  }

  patch(
    type: ResourceType,
    namespace: string,
    name: string,
    patchType: PatchType,
    rawBody: string,
    options: WriteOptions & { force?: boolean } = {},
  ): { object: KubeObject; created: boolean } {
    const patch = this.#parsePatch(patchType, rawBody);
    const before = this.find(type, namespace, name);
    if (patchType === 'apply')
      return this.#apply(type, namespace, name, patch as JsonObject, before, options);
    if (!before) throw notFound(type.plural, type.group, name);
    const base = before as unknown as Json;
    const patched =
      patchType === 'json'
        ? jsonPatch(base, patch)
        : patchType === 'strategic'
          ? strategicMergePatch(base, patch)
          : mergePatch(base, patch);
    if (!isJsonObject(patched))
      throw new KubeStatusError('BadRequest', 'the patch did not produce an object');
    const object = patched as unknown as KubeObject;
    const sentVersion =
      isJsonObject(patch) && isJsonObject(patch['metadata'])
        ? patch['metadata']['resourceVersion']
        : undefined;
    if (typeof sentVersion === 'string' && sentVersion !== before.metadata.resourceVersion)
      throw this.#conflict(type, name);
    this.#checkBody(type, namespace, object);
    return { object: this.#replace(type, before, object, options, patch), created: false };
  }

  /** Deletes an object and, unless orphaned, what it owns (background cascading). */
  delete(
    type: ResourceType,
    namespace: string,
    name: string,
    options: { dryRun?: boolean; propagationPolicy?: string } = {},
  ): KubeObject {
    const found = this.get(type, namespace, name);
    if (options.dryRun) return found;
    const removed = this.store.remove(type, found.metadata.namespace ?? '', name)!;
    this.admissions.get(type.kind)?.deleted?.(type, removed);
    if (type.kind === 'Namespace') this.#deleteNamespaceContents(name);
    this.#collectDependents(removed, options.propagationPolicy === 'Orphan');
    return removed;
  }

  #apply(
    type: ResourceType,
    namespace: string,
    name: string,
    applied: JsonObject,
    before: KubeObject | undefined,
    options: WriteOptions & { force?: boolean },
  ): { object: KubeObject; created: boolean } {
    if (!options.fieldManager)
      throw new KubeStatusError('BadRequest', 'fieldManager is required for apply requests');
    const checked = this.#checkBody(type, namespace, applied);
    if (checked.metadata.name !== name)
      throw new KubeStatusError('BadRequest', 'the name of the object does not match the name on the URL');
    const merged = applyMerge(
      (before ?? null) as unknown as Json,
      checked as unknown as Json,
    ) as unknown as KubeObject;
    const ownership = recordApply({
      before,
      merged,
      applied: checked as unknown as JsonObject,
      manager: options.fieldManager,
      force: options.force ?? false,
      apiVersion: checked.apiVersion,
      time: timestamp(this.now()),
      resource: type,
    });
    ownership.object.metadata.managedFields = ownership.managedFields;
    if (!before) {
      const created = this.#create(type, namespace, ownership.object, options, ownership.managedFields);
      return { object: created, created: true };
    }
    const object = this.#replace(
      type,
      before,
      ownership.object,
      { ...options, fieldManager: undefined },
      null,
    );
    return { object, created: false };
  }

  /** Common end of PUT and patches: keeps identity, honours the status subresource, bumps generation. */
  #replace(
    type: ResourceType,
    before: KubeObject,
    object: KubeObject,
    options: WriteOptions,
    sent: Json,
  ): KubeObject {
    let next = clone(object);
    if (options.subresource === 'status') next = { ...clone(before), status: clone(object['status']) };
    else if (type.hasStatus) {
      if (before['status'] !== undefined) next['status'] = clone(before['status']);
      else delete next['status'];
    }
    const meta = next.metadata;
    meta.name = before.metadata.name;
    meta.namespace = before.metadata.namespace;
    meta.uid = before.metadata.uid;
    meta.creationTimestamp = before.metadata.creationTimestamp;
    meta.generation = (before.metadata.generation ?? 1) + (specOf(next) !== specOf(before) ? 1 : 0);
    if (sent !== null && options.fieldManager !== undefined)
      meta.managedFields = recordUpdate({
        before,
        sent,
        manager: options.fieldManager,
        apiVersion: next.apiVersion,
        time: timestamp(this.now()),
        subresource: options.subresource,
      });
    else if (sent !== null) meta.managedFields = before.metadata.managedFields;
    if (!meta.managedFields?.length) delete meta.managedFields;
    if (
      JSON.stringify({ ...next, metadata: { ...meta, resourceVersion: undefined } }) ===
      JSON.stringify({ ...before, metadata: { ...before.metadata, resourceVersion: undefined } })
    )
      return before; // a no-op write keeps the resource version, as the real server does
    return this.#store(type, next, before, options);
  }

  #store(
    type: ResourceType,
    object: KubeObject,
    before: KubeObject | undefined,
    options: WriteOptions,
  ): KubeObject {
    this.admissions.get(type.kind)?.admit?.(type, object, before);
    if (options.dryRun) return object;
    const stored = this.store.put(type, object);
    this.admissions.get(type.kind)?.stored?.(type, stored);
    return stored;
  }

  #parsePatch(patchType: PatchType, rawBody: string): Json {
    try {
      const parsed = (patchType === 'apply' ? parseYaml(rawBody) : JSON.parse(rawBody)) as Json;
      if (patchType === 'json' ? !Array.isArray(parsed) : !isJsonObject(parsed))
        throw new Error(patchType === 'json' ? 'expected an array' : 'expected an object');
      return parsed;
    } catch (error) {
      throw new KubeStatusError('BadRequest', `error decoding patch: ${(error as Error).message}`);
    }
  }

  /** The body is an object of this URL's kind, in its namespace; returns a copy with them set. */
  #checkBody(type: ResourceType, namespace: string, body: unknown): KubeObject {
    if (!isJsonObject(body))
      throw new KubeStatusError('BadRequest', 'the request body must be a JSON object');
    const object = clone(body) as unknown as KubeObject;
    const name =
      isJsonObject(object.metadata) && typeof object.metadata.name === 'string' ? object.metadata.name : '';
    if (object.kind !== undefined && object.kind !== type.kind)
      throw invalid(type.kind, type.group, name, [
        {
          reason: 'FieldValueInvalid',
          field: 'kind',
          message: `Invalid value: "${String(object.kind)}": must be ${type.kind}`,
        },
      ]);
    const apiVersion = object.apiVersion ?? groupVersionOf(type);
    if (
      typeof apiVersion !== 'string' ||
      apiVersion.split('/').length !== (type.group ? 2 : 1) ||
      (type.group && !apiVersion.startsWith(`${type.group}/`))
    )
      throw invalid(type.kind, type.group, name, [
        {
          reason: 'FieldValueInvalid',
          field: 'apiVersion',
          message: `Invalid value: "${String(apiVersion)}"`,
        },
      ]);
    object.apiVersion = groupVersionOf(type);
    object.kind = type.kind;
    if (!isJsonObject(object.metadata)) object.metadata = {};
    const meta = object.metadata;
    if (type.namespaced) {
      if (meta.namespace && meta.namespace !== namespace)
        throw new KubeStatusError(
          'BadRequest',
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      meta.namespace = namespace;
    } else delete meta.namespace;
    return object;
  }

  #checkName(type: ResourceType, object: KubeObject): void {
    const name = object.metadata.name;
    if (!name)
      throw invalid(type.kind, type.group, '', [
        {
          reason: 'FieldValueRequired',
          field: 'metadata.name',
          message: 'Required value: name or generateName is required',
        },
      ]);
    const label = labelNameKinds.has(type.kind);
    const ok = label
      ? dnsLabel.test(name) && name.length <= 63
      : dnsSubdomain.test(name) && name.length <= 253;
    if (!ok)
      throw invalid(type.kind, type.group, name, [
        {
          reason: 'FieldValueInvalid',
          field: 'metadata.name',
          message: `Invalid value: "${name}": a lowercase RFC 1123 ${label ? 'label' : 'subdomain'} must consist of lower case alphanumeric characters, '-' or '.'`,
        },
      ]);
  }

  #requireNamespace(namespace: string): void {
    const namespaces = this.resources.byUrl('', 'v1', 'namespaces')!;
    const found = this.store.get(namespaces, '', namespace);
    if (!found) throw notFound('namespaces', '', namespace);
    if (found.metadata.deletionTimestamp)
      throw new KubeStatusError(
        'Conflict',
        `unable to create new content in namespace ${namespace} because it is being terminated`,
      );
  }

  #conflict(type: ResourceType, name: string): KubeStatusError {
    return new KubeStatusError(
      'Conflict',
      `Operation cannot be fulfilled on ${qualified(type.plural, type.group)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      { name, group: type.group || undefined, kind: type.plural },
    );
  }

  #deleteNamespaceContents(namespace: string): void {
    for (const entry of this.store.entries()) {
      if (entry.object.metadata.namespace !== namespace) continue;
      const type = this.resources
        .all()
        .find((candidate) => candidate.group === entry.group && candidate.plural === entry.plural);
      const removed = this.store.remove(
        { group: entry.group, plural: entry.plural },
        namespace,
        entry.object.metadata.name!,
      );
      if (type && removed) this.admissions.get(type.kind)?.deleted?.(type, removed);
    }
  }

  /** Garbage collection: dependents of a deleted owner go too (or lose the reference when orphaned). */
  #collectDependents(owner: KubeObject, orphan: boolean): void {
    for (const entry of this.store.entries()) {
      const references = entry.object.metadata.ownerReferences ?? [];
      if (!references.some((reference) => reference.uid === owner.metadata.uid)) continue;
      const type = this.resources
        .all()
        .find((candidate) => candidate.group === entry.group && candidate.plural === entry.plural);
      if (!type) continue;
      if (orphan) {
        const kept = references.filter((reference) => reference.uid !== owner.metadata.uid);
        const next = clone(entry.object);
        if (kept.length) next.metadata.ownerReferences = kept;
        else delete next.metadata.ownerReferences;
        this.store.put(entry, next);
      } else if (this.store.get(entry, entry.object.metadata.namespace ?? '', entry.object.metadata.name!)) {
        this.delete(type, entry.object.metadata.namespace ?? '', entry.object.metadata.name!);
      }
    }
  }
}
