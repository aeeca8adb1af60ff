import type { TaskRecord } from '../world/tasks.ts';

/** In-process events between areas (the bus area publishes VCD's AMQP notifications from them). */
export interface SimEventMap {
  taskStarted: TaskRecord;
  taskUpdated: TaskRecord;
  taskCompleted: TaskRecord;
  /** `/sim/reset` or a load replaced the world. */
  worldReplaced: undefined;
}

type Listener<T> = (payload: T) => void;

export class SimEvents {
  #listeners = new Map<keyof SimEventMap, Set<Listener<never>>>();

  on<K extends keyof SimEventMap>(event: K, listener: Listener<SimEventMap[K]>): () => void {
    const set = this.#listeners.get(event) ?? new Set<Listener<never>>();
    this.#listeners.set(event, set);
    set.add(listener as Listener<never>);
    return () => set.delete(listener as Listener<never>);
  }

  emit<K extends keyof SimEventMap>(event: K, payload: SimEventMap[K]): void {
    for (const listener of this.#listeners.get(event) ?? []) {
      try {
        (listener as Listener<SimEventMap[K]>)(payload);
      } catch {
        // A failing listener must not break the emitter's caller (a task, a request).
      }
    }
  }
}
