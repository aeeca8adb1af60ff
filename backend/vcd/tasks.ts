/**
 * VCD's asynchronous operations: a 202 with the task in `Location`, polled at `/api/task/{id}` with backoff until
 * it ends. A task ending in `error` or `aborted` throws `VcdTaskError` carrying VCD's message.
 */
import type { VcdClient, VcdResponse } from './client.ts';
import { VcdError, VcdTaskError } from './errors.ts';

export interface VcdTask {
  id: string;
  href?: string;
  /**
   * VCD's task states: `postRunning` is a running state to go-vcloud-director (`govcd/task.go`
   * `isTaskRunning`), and `canceled` ends a task its owner or an administrator canceled (the legacy
   * TaskType's documented states); anything else unknown is waited on.
   */
  status: 'queued' | 'preRunning' | 'running' | 'postRunning' | 'success' | 'error' | 'canceled' | 'aborted';
  operation?: string;
  operationName?: string;
  progress?: number;
  owner?: { id: string; name?: string; type?: string };
  result?: { resultContent?: unknown } | null;
  error?: { majorErrorCode?: number; minorErrorCode?: string; message?: string } | null;
}

export interface TaskWaitOptions {
  /** Give up after this long (the task keeps running in VCD); default 10 min. */
  timeoutMs?: number;
  /** First poll delay; doubles up to `maxPollMs`. */
  initialPollMs?: number;
  maxPollMs?: number;
  signal?: AbortSignal;
}

export function taskIdFromLocation(location: string): string {
  const match = /\/api\/task\/([^/?#]+)/.exec(location);
  if (!match)
    throw new VcdError(
      502,
      'BAD_TASK_LOCATION',
      `VCD returned a task location that is not a task: ${location}`,
    );
  return match[1]!;
}

const endedCode = { error: 'TASK_FAILED', aborted: 'TASK_ABORTED', canceled: 'TASK_CANCELED' } as const;

export async function waitForTask(
  client: VcdClient,
  location: string,
  options: TaskWaitOptions = {},
): Promise<VcdTask> {
  const id = taskIdFromLocation(location);
  const path = `/api/task/${id}`;
  const deadline = Date.now() + (options.timeoutMs ?? 10 * 60_000);
  let pollMs = options.initialPollMs ?? 50;
  const maxPollMs = options.maxPollMs ?? 2000;
  for (;;) {
    const task = (await client.get<VcdTask>(path)).body;
    if (task.status === 'success') return task;
    if (task.status === 'error' || task.status === 'aborted' || task.status === 'canceled') {
      throw new VcdTaskError(
        task.id ?? id,
        task.status,
        task.error?.minorErrorCode ?? endedCode[task.status],
        task.error?.message ?? `VCD task ${task.operationName ?? id} ended ${task.status}`,
      );
    }
    if (options.signal?.aborted)
      throw new VcdError(499, 'TASK_WAIT_ABORTED', `stopped waiting for task ${id}`);
    if (Date.now() + pollMs > deadline) {
      throw new VcdError(504, 'TASK_TIMEOUT', `VCD task ${task.operationName ?? id} did not finish in time`);
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    pollMs = Math.min(maxPollMs, pollMs * 2);
  }
}

/** For calls that may answer 202 + task (wait for it) or finish at once (return the body). */
export async function settle<T>(
  client: VcdClient,
  response: VcdResponse<T>,
  options?: TaskWaitOptions,
): Promise<{ task?: VcdTask; body: T }> {
  if (response.status === 202 && response.location) {
    const task = await waitForTask(client, response.location, options);
    return { task, body: response.body };
  }
  return { body: response.body };
}
