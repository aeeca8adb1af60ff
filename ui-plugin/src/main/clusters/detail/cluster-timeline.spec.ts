import { clusterTimeline, formatDuration } from './cluster-timeline';

const at = (s: number) => new Date(Date.UTC(2026, 10, 25, 10, 0, s)).toISOString();

describe('cluster timeline', () => {
  const events = [
    { time: at(65), type: 'Normal' as const, reason: 'BootstrapVmCreated', message: 'bootstrap VM created' },
    { time: at(0), type: 'Normal' as const, reason: 'ControlPlaneVipReserved', message: 'VIP 203.0.113.10' },
    {
      time: at(200),
      type: 'Warning' as const,
      reason: 'BootstrapPhaseFailed',
      message: 'kind-ready timed out',
    },
  ];

  it('orders events and measures each phase until the next event', () => {
    const timeline = clusterTimeline(events, 'Failed', Date.parse(at(300)));
    expect(timeline.map((entry) => entry.reason)).toEqual([
      'ControlPlaneVipReserved',
      'BootstrapVmCreated',
      'BootstrapPhaseFailed',
    ]);
    expect(timeline.map((entry) => entry.durationMs)).toEqual([65_000, 135_000, null]);
  });

  it('says what to do about the failure that stopped a Failed cluster', () => {
    const timeline = clusterTimeline(events, 'Failed', Date.parse(at(300)));
    expect(timeline[2]!.advice).toBe('detail.timeline.adviceFailed');
    expect(timeline[0]!.advice).toBeNull();
  });

  it('counts the last phase of a changing cluster up to now', () => {
    const timeline = clusterTimeline(events.slice(0, 2), 'Provisioning', Date.parse(at(100)));
    expect(timeline[1]!.current).toBeTrue();
    expect(timeline[1]!.durationMs).toBe(35_000);
  });

  it('formats durations briefly', () => {
    expect(formatDuration(120)).toBe('120 ms');
    expect(formatDuration(4200)).toBe('4.2 s');
    expect(formatDuration(65_000)).toBe('1 min 5 s');
    expect(formatDuration(3_720_000)).toBe('1 h 2 min');
  });
});
