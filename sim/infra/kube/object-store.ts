import type { KubeObject } from './objects.ts';
import { clone } from './objects.ts';
import type { ResourceType } from './resources.ts';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreChange {
  type: WatchEventType;
  resource: { group: string; plural: string };
  object: KubeObject;
}

type ChangeListener = (change: StoreChange) => void;

const keyOf = (group: string, plural: string, namespace: string, name: string): string =>
  `${group}|${plural}|${namespace}|${name}`;

/**
 * Every object of one emulated cluster, keyed by group, plural, namespace and name, with one
 * resource-version counter (like etcd's revision). Versions of one group share their objects.
 * Reads return copies; listeners see every change (controllers, watches).
 */
export class ObjectStore {
  #objects = new Map<string, KubeObject>();
  #revision = 0;
  #listeners = new Set<ChangeListener>();
  /** Recent changes, so a watch from a list's resourceVersion misses nothing in between. */
  #history: StoreChange[] = [];
  static readonly historySize = 5000;

  get revision(): string {
    return String(this.#revision);
  }

  nextRevision(): string {
    this.#revision += 1;
    return String(this.#revision);
  }

  get(type: Pick<ResourceType, 'group' | 'plural'>, namespace: string, name: string): KubeObject | undefined {
    const found = this.#objects.get(keyOf(type.group, type.plural, namespace, name));
    return found ? clone(found) : undefined;
  }

  /** Objects of a type, in one namespace or all, sorted by namespace then name (as etcd keys). */
  list(type: Pick<ResourceType, 'group' | 'plural'>, namespace?: string): KubeObject[] {
    const prefix = `${type.group}|${type.plural}|${namespace === undefined ? '' : `${namespace}|`}`;
    return [...this.#objects.entries()]
      .filter(([key]) => key.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, object]) => clone(object));
  }

  /** Stores an object whose metadata is complete; gives it the next resource version. */
  put(type: Pick<ResourceType, 'group' | 'plural'>, object: KubeObject): KubeObject {
    const key = keyOf(type.group, type.plural, object.metadata.namespace ?? '', object.metadata.name!);
    const existed = this.#objects.has(key);
    const stored = clone(object);
    stored.metadata.resourceVersion = this.nextRevision();
    this.#objects.set(key, stored);
    this.#emit({ type: existed ? 'MODIFIED' : 'ADDED', resource: type, object: stored });
    return clone(stored);
  }

  remove(
    type: Pick<ResourceType, 'group' | 'plural'>,
    namespace: string,
    name: string,
  ): KubeObject | undefined {
    const key = keyOf(type.group, type.plural, namespace, name);
    const found = this.#objects.get(key);
    if (!found) return undefined;
    this.#objects.delete(key);
    found.metadata.resourceVersion = this.nextRevision();
    this.#emit({ type: 'DELETED', resource: type, object: found });
    return clone(found);
  }

  /** Every stored object with its type key (snapshots, namespace deletion, garbage collection). */
  entries(): { group: string; plural: string; object: KubeObject }[] {
    return [...this.#objects.entries()].map(([key, object]) => {
      const [group, plural] = key.split('|');
      return { group: group!, plural: plural!, object: clone(object) };
    });
  }

  onChange(listener: ChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Changes after `resourceVersion`, or undefined when they are no longer kept (a watch gets 410). */
  changesSince(resourceVersion: number): StoreChange[] | undefined {
    const oldest = this.#history[0];
    if (oldest && Number(oldest.object.metadata.resourceVersion) > resourceVersion + 1) return undefined;
    return this.#history
      .filter((change) => Number(change.object.metadata.resourceVersion) > resourceVersion)
      .map((change) => ({ ...change, object: clone(change.object) }));
  }

  #emit(change: StoreChange): void {
    const copy = { ...change, object: clone(change.object) };
    this.#history.push(copy);
    if (this.#history.length > ObjectStore.historySize) this.#history.shift();
    for (const listener of [...this.#listeners]) {
      try {
        listener(copy);
      } catch {
        // A failing listener (a closed watch) must not break the write.
      }
    }
  }
}
