import { ConfigError } from '../config/load.ts';
import { ListenError } from '../net/listen.ts';

/** Errors whose message already tells a person what to fix: print the line, no stack trace. */
const explainedErrors = [ConfigError, ListenError];

export function isExplainedError(error: unknown): error is Error {
  return (
    error instanceof Error &&
    (explainedErrors.some((type) => error instanceof type) || error.name.endsWith('ListenError'))
  );
}

/** Prints a fatal error as one line and exits non-zero; unexpected errors keep their stack. */
export function exitWithError(error: unknown): never {
  if (isExplainedError(error)) {
    process.stderr.write(`cse: ${error.message}\n`);
    process.exit(error instanceof ConfigError ? 2 : 1);
  }
  process.stderr.write(
    `cse: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
}

/** Runs `stop` once on SIGTERM or SIGINT, then exits; a second signal exits at once. */
export function onShutdownSignal(stop: (signal: string) => Promise<void>, timeoutMs: number): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    const timer = setTimeout(() => {
      process.stderr.write(`cse: shutdown took longer than ${timeoutMs} ms; exiting\n`);
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    stop(signal).then(
      () => process.exit(0),
      (error: unknown) => exitWithError(error),
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
  // Started by `cse start` with an IPC channel: stop when that parent goes away, however it ended.
  if (process.channel) {
    process.once('disconnect', () => handler('SIGTERM'));
    process.channel.unref();
  }
}
