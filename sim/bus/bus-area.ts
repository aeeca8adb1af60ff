import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import type { SimContext } from '../context.ts';
import { connectBehaviors } from './behavior-bus.ts';
import { simBus } from './sim-bus.ts';
import { taskNotification } from './task-notifications.ts';

/**
 * The bus area: starts the embedded MQTT broker with the simulator (so an extension can connect
 * before anything is registered), lets `user@org` log in to it with a session token as VCD's
 * notification clients do, carries RDE behaviour invocations, and publishes task notifications to
 * RabbitMQ when `--amqp` is given.
 */
export function busArea(ctx: SimContext): Router {
  const bus = simBus(ctx);
  connectBehaviors(ctx);
  bus.addAuthenticator((username, password) => {
    const at = username.lastIndexOf('@');
    if (at <= 0) return undefined;
    const session = ctx.sessions.resolve(password);
    const world = ctx.store.world;
    const user = session ? world.users[session.userId] : undefined;
    const org = session ? world.orgs[session.orgId] : undefined;
    const matches =
      user?.username === username.slice(0, at) &&
      org?.name.toLowerCase() === username.slice(at + 1).toLowerCase();
    // Notification clients may connect; VCD's notification topics are not simulated.
    return matches ? { subscribe: [], publish: [] } : undefined;
  });
  const amqp = bus.amqp;
  if (amqp) {
    ctx.events.on('taskCompleted', (task) => {
      const notification = taskNotification(task, randomUUID(), new Date(ctx.clock.now()));
      amqp.notify(notification.routingKey, notification.headers, notification.body).catch(() => undefined);
    });
  }
  return Router();
}
