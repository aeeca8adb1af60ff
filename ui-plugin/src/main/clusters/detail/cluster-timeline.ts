import type { ClusterEvent, ClusterPhase } from '../../api/cluster-types';
import type { TranslationKey } from '../../i18n/translate.pipe';

/** One line of a cluster's event timeline. */
export interface TimelineEntry {
  time: string;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  /** How long until the next event (or until now, for the last event of a cluster still changing); ms. */
  durationMs: number | null;
  /** Still going on: the last event of a cluster that is changing. */
  current: boolean;
  /** What the user can do about a failure, for the last warning of a Failed cluster. */
  advice: TranslationKey | null;
}

/** Orders the events, measures how long each phase took, and says what to do about the failure that stopped it. */
export function clusterTimeline(
  events: readonly ClusterEvent[],
  phase: ClusterPhase | undefined,
  now: number,
): TimelineEntry[] {
  const sorted = [...events].sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
  const changing =
    phase === 'Pending' || phase === 'Provisioning' || phase === 'Updating' || phase === 'Deleting';
  const lastWarning = phase === 'Failed' ? sorted.map((event) => event.type).lastIndexOf('Warning') : -1;
  return sorted.map((event, index) => {
    const start = Date.parse(event.time);
    const next = sorted[index + 1];
    const isLast = index === sorted.length - 1;
    const end = next ? Date.parse(next.time) : changing ? now : NaN;
    return {
      time: event.time,
      type: event.type,
      reason: event.reason,
      message: event.message,
      durationMs: Number.isFinite(end) && Number.isFinite(start) ? Math.max(0, end - start) : null,
      current: isLast && changing,
      advice: index === lastWarning ? 'detail.timeline.adviceFailed' : null,
    };
  });
}

/** `1 h 2 min`, `3 min 5 s`, `4.2 s`, `120 ms`: short and exact enough for a timeline. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
