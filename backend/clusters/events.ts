/** The bounded event log on the cluster's status: append with the time, drop the oldest beyond the limit. */
import { EVENT_LOG_LIMIT, type ClusterEvent, type ClusterStatus } from './spec.ts';

export function recordEvent(
  status: ClusterStatus,
  type: ClusterEvent['type'],
  reason: string,
  message: string,
  now: Date = new Date(),
): ClusterEvent {
  const event: ClusterEvent = { time: now.toISOString(), type, reason, message };
  const events = [...(status.events ?? []), event];
  status.events = events.slice(Math.max(0, events.length - EVENT_LOG_LIMIT));
  return event;
}
