import { z } from 'zod';
import { clustersConfigSchema } from './clusters-schema.ts';

/**
 * The worker's configuration. Every leaf can come from the YAML file (`--config`) or from an
 * environment variable named after its path: `vcd.apiToken` → `CSE_VCD_API_TOKEN`.
 * Environment variables win over the file so that containers can override one value.
 */
const port = z.coerce
  .number({ invalid_type_error: 'must be a port number' })
  .int('must be an integer port number')
  .min(0, 'must be a port number between 0 and 65535')
  .max(65535, 'must be a port number between 0 and 65535');

const booleanFlag = z.preprocess(
  (value) => (typeof value === 'string' ? parseBooleanWord(value) : value),
  z.boolean({ invalid_type_error: 'must be true or false' }),
);

function parseBooleanWord(value: string): boolean | string {
  const word = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(word)) return true;
  if (['false', '0', 'no', 'off', ''].includes(word)) return false;
  return value;
}

const milliseconds = z.coerce
  .number({ invalid_type_error: 'must be a number of milliseconds' })
  .int('must be a whole number of milliseconds')
  .positive('must be a positive number of milliseconds');

const url = z.string().url('must be an absolute URL such as http://127.0.0.1:8443');

const count = z.coerce
  .number({ invalid_type_error: 'must be a whole number' })
  .int('must be a whole number')
  .positive('must be a positive whole number');

const nonEmpty = z.string().min(1, 'must not be empty');

export const workerConfigSchema = z
  .object({
    log: z
      .object({
        level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
        pretty: booleanFlag.default(false),
      })
      .strict()
      .default({}),
    http: z
      .object({
        host: z.string().min(1, 'must be a host name or IP address').default('127.0.0.1'),
        port: port.default(8081),
      })
      .strict()
      .default({}),
    vcd: z
      .object({
        url: url.default('http://127.0.0.1:8443'),
        org: z.string().min(1, 'must be an organisation name').default('System'),
        apiToken: z.string().optional(),
      })
      .strict()
      .default({}),
    bus: z
      .object({
        transport: z.enum(['mqtt', 'amqp']).default('mqtt'),
        amqpUrl: url.default('amqp://guest:guest@127.0.0.1:5672'),
        /** Requests handled at once by this worker; beyond it callers get a 429 instead of a queue. */
        maxInFlight: count.default(64),
        /** Largest request body accepted (decoded bytes); larger ones are answered with 413. */
        maxBodyBytes: count.default(10 * 1024 * 1024),
        /** How long an answered request's reply is kept to answer a redelivery without running it again. */
        replyCacheTtlMs: milliseconds.default(5 * 60_000),
        replyCacheSize: count.default(10_000),
        amqp: z
          .object({
            exchange: nonEmpty.default('cse-ext'),
            routingKey: nonEmpty.default('cse'),
            /** Defaults to the routing key, as CSE names its queue. */
            queue: nonEmpty.optional(),
            /** false: only check that exchange and queue exist (when an operator manages them). */
            declare: booleanFlag.default(true),
            queueType: z.enum(['quorum', 'classic']).default('quorum'),
            prefetch: count.default(32),
            /** Backoff after a lost connection: doubles from `reconnectInitialMs` up to `reconnectMaxMs`, with jitter. */
            reconnectInitialMs: milliseconds.default(500),
            reconnectMaxMs: milliseconds.default(30_000),
            /** Deliveries of a request whose reply exchange is missing before it is dead-lettered. */
            replyAttempts: count.default(5),
          })
          .strict()
          .default({}),
        mqtt: z
          .object({
            /** Defaults to VCD's broker: ws(s)://<vcd host>/messaging/mqtt. */
            url: url.optional(),
            vendor: nonEmpty.default('vmware'),
            name: nonEmpty.default('cse'),
            version: nonEmpty.default('1.0.0'),
            /** The extension's API token (`cse install` prints it); the MQTT password. */
            token: z.string().min(1, 'must not be empty').optional(),
            qos: z.coerce
              .number({ invalid_type_error: 'must be 0, 1 or 2' })
              .int('must be 0, 1 or 2')
              .min(0, 'must be 0, 1 or 2')
              .max(2, 'must be 0, 1 or 2')
              .default(1),
            reconnectMs: milliseconds.default(1000),
            /**
             * VCD's broker gives every replica every request: elect one replica to answer, through a lease entity
             * in VCD (needs `vcd.apiToken`). Off only for a single replica that should not write to VCD for it.
             */
            leaderElection: booleanFlag.default(true),
            /** How long the leadership lasts without renewal; the leader renews every third of it. */
            leaderLeaseMs: milliseconds.min(300, 'must be at least 300 milliseconds').default(15_000),
          })
          .strict()
          .default({}),
      })
      .strict()
      .default({}),
    clusters: clustersConfigSchema,
    shutdownTimeoutMs: milliseconds.default(10_000),
  })
  .strict();

export type WorkerConfig = z.infer<typeof workerConfigSchema>;

/** Paths of configuration values that are secrets: never logged, never echoed in errors. */
export const secretConfigPaths = ['vcd.apiToken', 'bus.mqtt.token'] as const;
