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
  /** Folder holding the built portal (index.html and its scripts). */
  portalDir?: string;
}

export const defaultSimulatorOptions: SimulatorOptions = {
  host: '127.0.0.1',
  port: 8443,
  speed: 1,
  seed: 1,
  admin: false,
};
