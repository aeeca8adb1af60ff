/** Throughput, latency percentiles and CPU cost of a measured run. */

export interface RunStats {
  requests: number;
  /** CPU time of the consumer process per request, ms: its cost, whatever else the machine is doing. */
  consumerCpuMs: number;
  /** CPU time of the simulator (VCD) per request, ms. */
  vcdCpuMs: number;
  requestsPerSecond: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil(fraction * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function runStats(
  latenciesMs: number[],
  elapsedMs: number,
  cpuMs: { consumer: number; vcd: number },
): RunStats {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return {
    requests: sorted.length,
    consumerCpuMs: cpuMs.consumer / sorted.length,
    vcdCpuMs: cpuMs.vcd / sorted.length,
    requestsPerSecond: (sorted.length / elapsedMs) * 1000,
    p50Ms: percentile(sorted, 0.5),
    p90Ms: percentile(sorted, 0.9),
    p99Ms: percentile(sorted, 0.99),
    maxMs: sorted[sorted.length - 1] ?? Number.NaN,
  };
}
