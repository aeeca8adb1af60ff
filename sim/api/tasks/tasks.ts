import { Router } from 'express';
import type { SimContext } from '../../context.ts';
import { principalOf, visibleOr404 } from '../../http/auth.ts';
import { fail } from '../../http/errors.ts';
import { uuidOf } from '../../world/ids.ts';
import type { TaskRecord } from '../../world/tasks.ts';
import { taskHref } from './task-service.ts';

const running = new Set(['queued', 'preRunning', 'running']);

/** VCD's legacy JSON task (`application/vnd.vmware.vcloud.task+json`). */
export function taskJson(publicUrl: string, task: TaskRecord) {
  const href = taskHref(publicUrl, task);
  const orgRef = {
    href: `${publicUrl}/api/org/${uuidOf(task.org.id)}`,
    id: task.org.id,
    type: 'application/vnd.vmware.vcloud.org+json',
    name: task.org.name,
  };
  return {
    otherAttributes: {},
    href,
    type: 'application/vnd.vmware.vcloud.task+json',
    id: task.id,
    operationKey: null,
    name: 'task',
    cancelRequested: task.cancelRequested,
    expiryTime: new Date(Date.parse(task.startTime) + 30 * 24 * 3600_000).toISOString(),
    operation: task.operation,
    operationName: task.operationName,
    serviceNamespace: task.serviceNamespace,
    startTime: task.startTime,
    endTime: task.endTime,
    status: task.status,
    description: null,
    details: task.details,
    progress: task.progress,
    link: running.has(task.status) ? [{ rel: 'task:cancel', href: `${href}/action/cancel`, type: null }] : [],
    owner: { href: null, ...task.owner },
    error: task.error ? { ...task.error, stackTrace: null, vendorSpecificErrorCode: null } : null,
    user: {
      href: `${publicUrl}/api/admin/user/${uuidOf(task.user.id)}`,
      id: task.user.id,
      type: 'application/vnd.vmware.admin.user+json',
      name: task.user.name,
    },
    // TaskType names the org `organization` (@vcd/bindings schema_v1_5/TaskType; `Organization` in
    // go-vcloud-director types/v56/types.go Task).
    organization: orgRef,
    result: task.result,
  };
}

/** `GET /api/task/{id}` and `POST /api/task/{id}/action/cancel`, scoped to the caller's org. */
export function tasksArea(ctx: SimContext): Router {
  const router = Router();
  const find = (principal: ReturnType<typeof principalOf>, id: string) =>
    visibleOr404(principal, ctx.tasks.get(id), (task) => task.org.id, 'Task', id);

  router.get('/api/task/:id', (req, res) => {
    const task = find(principalOf(req), req.params.id);
    res
      .type(`application/vnd.vmware.vcloud.task+json;version=${req.apiVersion}`)
      .json(taskJson(ctx.publicUrl(), task));
  });
  router.post('/api/task/:id/action/cancel', (req, res) => {
    const task = find(principalOf(req), req.params.id);
    if (!ctx.tasks.cancel(task)) fail('taskNotCancellable', { id: task.id });
    res.status(204).end();
  });
  return router;
}
