import { randomUUID } from 'node:crypto';
import { uuidOf } from '../world/ids.ts';
import type { TaskRecord } from '../world/tasks.ts';

export interface Notification {
  routingKey: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

/** VCD's event type of a finished task (guessed from VCD's `com/vmware/vcloud/event/<entity>/<op>` naming). */
function eventType(task: TaskRecord): string {
  if (task.status === 'success') return 'com/vmware/vcloud/event/task/complete';
  if (task.status === 'aborted') return 'com/vmware/vcloud/event/task/abort';
  return 'com/vmware/vcloud/event/task/fail';
}

/** Routing-key words may not hold the topic separators. */
const word = (text: string) => text.replace(/[.#*\s]+/g, '_');

/**
 * A task-completion notification in VCD's JSON form: routing key
 * `operationSuccess.entity.org.user.subType1…subTypeN.taskName` and the `notification.*` headers
 * (reference §4). The task is the entity; its owner is named in the body.
 */
export function taskNotification(
  task: TaskRecord,
  eventId = randomUUID(),
  timestamp = new Date(),
): Notification {
  const success = task.status === 'success';
  const type = eventType(task);
  const taskUuid = uuidOf(task.id) ?? task.id;
  const orgUuid = uuidOf(task.org.id) ?? task.org.id;
  const userUuid = uuidOf(task.user.id) ?? task.user.id;
  return {
    routingKey: [
      String(success),
      taskUuid,
      orgUuid,
      userUuid,
      ...type.split('/'),
      word(task.operationName),
    ].join('.'),
    headers: {
      'notification.type': type,
      'notification.entityType': 'vcloud:task',
      'notification.entityUUID': taskUuid,
      'notification.orgUUID': orgUuid,
      'notification.userUUID': userUuid,
      'notification.operationSuccess': String(success),
      'notification.taskUUID': taskUuid,
    },
    body: {
      type,
      eventId,
      timestamp: timestamp.toISOString(),
      operationSuccess: success,
      entity: task.id,
      entityType: 'vcloud:task',
      entityName: task.operationName,
      org: task.org.id,
      orgName: task.org.name,
      user: task.user.id,
      userName: task.user.name,
      taskOwner: task.owner.id,
      taskOwnerName: task.owner.name,
      taskOwnerType: task.owner.type,
      taskName: task.operationName,
      taskStatus: task.status,
      details: task.error?.message ?? '',
    },
  };
}
