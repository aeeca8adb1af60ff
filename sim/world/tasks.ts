import type { JsonValue } from './json.ts';

export type TaskStatus = 'queued' | 'preRunning' | 'running' | 'success' | 'error' | 'aborted';

export interface TaskEntityRef {
  id: string;
  name: string;
  /** VCD media type of the owner, e.g. `application/vnd.vmware.vcloud.entity.vapp+json`. */
  type: string;
}

/** VCD's error inside a task (`majorErrorCode`, `minorErrorCode`, `message`). */
export interface TaskError {
  majorErrorCode: number;
  minorErrorCode: string;
  message: string;
}

/** A task as stored; `/api/task/{id}` renders it in VCD's JSON task shape. */
export interface TaskRecord {
  id: string;
  operation: string;
  operationName: string;
  serviceNamespace: string;
  status: TaskStatus;
  progress: number;
  details: string;
  startTime: string;
  endTime: string | null;
  cancelRequested: boolean;
  owner: TaskEntityRef;
  org: { id: string; name: string };
  user: { id: string; name: string };
  result: { resultContent: JsonValue } | null;
  error: TaskError | null;
}
