import { z } from 'zod';

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
      })
      .strict()
      .default({}),
    shutdownTimeoutMs: milliseconds.default(10_000),
  })
  .strict();

export type WorkerConfig = z.infer<typeof workerConfigSchema>;

/** Paths of configuration values that are secrets: never logged, never echoed in errors. */
export const secretConfigPaths = ['vcd.apiToken'] as const;
