import type { FaultRule } from './infra/faults.ts';

/** How a simulator instance is started; `cse sim` flags map one to one onto these fields. */
export interface SimulatorOptions {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** Latency divisor: 10 makes every simulated duration ten times shorter. */
  speed: number;
  /** Seed of the generated world; the same seed gives the same ids and names. */
  seed: number;
  /** JSON file the world is loaded from at start and saved to on change and at stop. */
  stateFile?: string;
  /** Enables the `/sim/*` admin endpoints that tests and benchmarks use. */
  admin: boolean;
  /** RabbitMQ URL for AMQP API extensions; without it extensions use the embedded MQTT broker only. */
  amqpUrl?: string;
  /** Real ms the simulator waits for an API extension's reply (504 after); default 30 s / speed, at least 2 s. */
  extensionTimeoutMs?: number;
  /** Folder holding the built portal (index.html and its scripts). */
  portalDir?: string;
  /** JSON file of fault rules (an array, or `{faults: [...]}`) active from the start. */
  faultsFile?: string;
  /** Fault rules active from the start (in-process callers). */
  faults?: FaultRule[];
  /**
   * The simulated site has no internet: the emulated guests cannot reach GitHub, dl.k8s.io or other public release
   * hosts (only the provider's mirrors and the simulator itself), as on an air-gapped VCD site.
   */
  airGapped?: boolean;
  /** Largest accepted JSON body; bigger ones get 413. */
  jsonBodyLimitBytes?: number;
}

export const defaultSimulatorOptions: SimulatorOptions = {
  host: '127.0.0.1',
  port: 8443,
  speed: 1,
  seed: 1,
  admin: false,
};

/** A start failure a person can fix (bad state file, bad faults file): one line, no stack. */
export class SimulatorStartError extends Error {
  override readonly name: string = 'SimulatorStartError';
}
