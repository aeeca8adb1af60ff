import { pino, type Logger } from 'pino';

/**
 * Paths pino replaces with "[redacted]" wherever they appear in a log object. Kubeconfigs, tokens
 * and passwords must never reach a log line, whatever module logs them.
 */
export const redactedLogPaths = [
  'password',
  'token',
  'apiToken',
  'accessToken',
  'refreshToken',
  'refresh_token',
  'access_token',
  'kubeconfig',
  'authorization',
  'secret',
  '*.password',
  '*.token',
  '*.apiToken',
  '*.accessToken',
  '*.refreshToken',
  '*.refresh_token',
  '*.access_token',
  '*.kubeconfig',
  '*.secret',
  '*.authorization',
  '*.Authorization',
  'headers.authorization',
  'headers["x-vcloud-authorization"]',
  'config.vcd.apiToken',
  '*.private.kubeconfig',
  '*.*.private',
];

export interface LoggerOptions {
  level: string;
  pretty: boolean;
  name: string;
}

export function createLogger(options: LoggerOptions, destination?: NodeJS.WritableStream): Logger {
  const base = {
    name: options.name,
    level: options.level,
    redact: { paths: redactedLogPaths, censor: '[redacted]' },
  };
  if (options.pretty && !destination) {
    return pino({ ...base, transport: { target: 'pino-pretty', options: { colorize: true } } });
  }
  // process.stdout writes synchronously to files and pipes on Linux, so lines keep their order
  // and none is lost at exit; pino's own sync destination could reorder lines on a full pipe.
  return pino(base, destination ?? process.stdout);
}

export type { Logger };
