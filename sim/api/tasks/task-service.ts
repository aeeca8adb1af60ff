import type { Response } from 'express';
import { VcdHttpError } from '../../http/errors.ts';
import type { SimClock } from '../../infra/clock.ts';
import type { SimEvents } from '../../infra/events.ts';
import type { LatencyModel } from '../../infra/latency.ts';
import { uuidOf } from '../../world/ids.ts';
import type { JsonValue, Ref } from '../../world/json.ts';
import type { WorldStore } from '../../world/store.ts';
import type { TaskEntityRef, TaskError, TaskRecord } from '../../world/tasks.ts';

/** What the operation's code sees while it runs. */
export interface RunningTask {
  readonly id: string;
  /** Aborted when the task is cancelled; pass it to `latency.wait` and `clock.sleep`. */
  readonly signal: AbortSignal;
  progress(percent: number, details?: string): void;
}

export interface StartTaskInput {
  /** Human text, e.g. "Creating Virtual Service vs-1". */
  operation: string;
  /** VCD's operation name, e.g. `createDefinedEntity`, `vdcInstantiateVapp`. */
  operationName: string;
  owner: TaskEntityRef;
  org: Ref;
  user: Ref;
  serviceNamespace?: string;
  /** Waited before `work` runs; `null` for none. Default `task`. */
  latencyClass?: string | null;
  /** The operation; its return value becomes `result.resultContent`. Throw a VcdHttpError to fail. */
  work(task: RunningTask): Promise<JsonValue | undefined | void>;
}

const terminal = new Set(['success', 'error', 'aborted']);

/**
 * Runs asynchronous operations as VCD tasks. Areas call `start` and answer with `accepted`
 * (202 + Location); clients poll `GET /api/task/{id}`.
 */
export class TaskService {
  #controllers = new Map<string, AbortController>();
  #settled = new Map<string, { promise: Promise<TaskRecord>; resolve(task: TaskRecord): void }>();

  constructor(
    private readonly store: WorldStore,
    private readonly clock: SimClock,
    private readonly latency: LatencyModel,
    private readonly events: SimEvents,
    private readonly publicUrl: () => string = () => '',
  ) {
    store.onReplaced(() => this.#abandonAll());
  }

  start(input: StartTaskInput): TaskRecord {
    const task: TaskRecord = {
      id: this.store.ids.urn('task'),
      operation: input.operation,
      operationName: input.operationName,
      serviceNamespace: input.serviceNamespace ?? 'com.vmware.cloud',
      status: 'queued',
      progress: 0,
      details: '',
      startTime: this.clock.iso(),
      endTime: null,
      cancelRequested: false,
      owner: input.owner,
      org: { id: input.org.id, name: input.org.name },
      user: { id: input.user.id, name: input.user.name },
      result: null,
      error: null,
    };
    this.store.world.tasks[task.id] = task;
    const controller = new AbortController();
    this.#controllers.set(task.id, controller);
    let resolve!: (task: TaskRecord) => void;
    const promise = new Promise<TaskRecord>((done) => (resolve = done));
    this.#settled.set(task.id, { promise, resolve });
    this.store.changed();
    this.events.emit('taskStarted', task);
    void this.#run(task, input, controller);
    return task;
  }

  async #run(task: TaskRecord, input: StartTaskInput, controller: AbortController): Promise<void> {
    const running: RunningTask = {
      id: task.id,
      signal: controller.signal,
      progress: (percent, details) => {
        if (terminal.has(task.status)) return;
        task.progress = Math.max(0, Math.min(100, Math.round(percent)));
        if (details !== undefined) task.details = details;
        this.store.changed();
        this.events.emit('taskUpdated', task);
      },
    };
    try {
      await Promise.resolve();
      if (controller.signal.aborted) return;
      task.status = 'running';
      this.store.changed();
      this.events.emit('taskUpdated', task);
      const latencyClass = input.latencyClass === undefined ? 'task' : input.latencyClass;
      if (latencyClass) await this.latency.wait(latencyClass, controller.signal);
      const result = await input.work(running);
      if (controller.signal.aborted) return;
      task.result = result === undefined ? null : { resultContent: result };
      this.#finish(task, 'success');
    } catch (error) {
      if (controller.signal.aborted) return;
      task.error = toTaskError(error);
      this.#finish(task, 'error');
    }
  }

  #finish(task: TaskRecord, status: 'success' | 'error' | 'aborted'): void {
    if (terminal.has(task.status)) return;
    task.status = status;
    if (status === 'success') task.progress = 100;
    task.endTime = this.clock.iso();
    this.#controllers.delete(task.id);
    this.store.changed();
    this.events.emit('taskCompleted', task);
    this.#settled.get(task.id)?.resolve(task);
    this.#settled.delete(task.id);
  }

  get(id: string): TaskRecord | undefined {
    const uuid = uuidOf(id);
    return uuid ? this.store.world.tasks[`urn:vcloud:task:${uuid}`] : undefined;
  }

  /** Cancels a running task: its signal aborts and it ends `aborted`. False when already done. */
  cancel(task: TaskRecord): boolean {
    if (terminal.has(task.status)) return false;
    task.cancelRequested = true;
    this.#controllers
      .get(task.id)
      ?.abort(new VcdHttpError(400, 'TASK_ABORTED', `Task ${task.id} was cancelled.`));
    this.#finish(task, 'aborted');
    return true;
  }

  /** Resolves when the task reaches success, error or aborted. */
  settled(task: TaskRecord): Promise<TaskRecord> {
    if (terminal.has(task.status)) return Promise.resolve(task);
    return this.#settled.get(task.id)?.promise ?? Promise.resolve(task);
  }

  /** VCD's async answer: 202, empty body, `Location: <base>/api/task/{uuid}`. */
  accepted(res: Response, task: TaskRecord, publicUrl = this.publicUrl()): void {
    res.status(202).location(taskHref(publicUrl, task)).end();
  }

  /** `<base>/api/task/{uuid}` of a task. */
  href(task: TaskRecord): string {
    return taskHref(this.publicUrl(), task);
  }

  #abandonAll(): void {
    for (const controller of this.#controllers.values()) controller.abort(new Error('world replaced'));
    this.#controllers.clear();
    this.#settled.clear();
  }

  /** Tasks still running in a loaded state file cannot resume: they end in error. */
  failInterrupted(): void {
    for (const task of Object.values(this.store.world.tasks)) {
      if (terminal.has(task.status)) continue;
      task.status = 'error';
      task.endTime = this.clock.iso();
      task.error = {
        majorErrorCode: 500,
        minorErrorCode: 'INTERNAL_SERVER_ERROR',
        message: 'The simulator restarted while the task was running.',
      };
    }
  }
}

export function taskHref(publicUrl: string, task: TaskRecord): string {
  return `${publicUrl}/api/task/${uuidOf(task.id)}`;
}

function toTaskError(error: unknown): TaskError {
  if (error instanceof VcdHttpError) {
    return { majorErrorCode: error.status, minorErrorCode: error.minorErrorCode, message: error.message };
  }
  return {
    majorErrorCode: 500,
    minorErrorCode: 'INTERNAL_SERVER_ERROR',
    message: (error as Error)?.message ?? String(error),
  };
}
