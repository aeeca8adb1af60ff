/**
 * Runs a benchmark participant (the simulator, a bus consumer) in its own Node process, so each gets its own event
 * loop as it would in production and the load generator's work does not land on the measured one. Output goes to a
 * log file that is named when something fails.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BenchChild<Ready> {
  process: ChildProcess;
  /** The child's first IPC message (it sends one when it is ready to work). */
  ready: Ready;
  logFile: string;
  /** CPU time (user + system, ms) the child used so far. */
  cpuMs(): Promise<number>;
  /** Asks the child to stop, waits for its exit (killed after `timeoutMs`). */
  stop(timeoutMs?: number): Promise<void>;
}

export interface StartChildOptions {
  /** Module run through tsx. */
  module: string;
  args?: string[];
  /** Extra Node flags, e.g. `--cpu-prof`. */
  nodeFlags?: string[];
  env?: Record<string, string>;
  logFile: string;
  startTimeoutMs?: number;
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-20).join('\n');
  } catch {
    return '(no output)';
  }
}

export async function startChild<Ready>(options: StartChildOptions): Promise<BenchChild<Ready>> {
  const log = openSync(options.logFile, 'a');
  const child = fork(options.module, options.args ?? [], {
    execArgv: ['--import', 'tsx', ...(options.nodeFlags ?? [])],
    env: { ...process.env, ...options.env },
    stdio: ['ignore', log, log, 'ipc'],
  });
  closeSync(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await new Promise<Ready>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `${options.module} did not start in time; log ${options.logFile}:\n${tail(options.logFile)}`,
        ),
      );
    }, options.startTimeoutMs ?? 60_000);
    child.once('message', (message) => {
      clearTimeout(timer);
      resolve(message as Ready);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${options.module} exited (${code}) before it was ready:\n${tail(options.logFile)}`));
    });
  });
  return {
    process: child,
    ready,
    logFile: options.logFile,
    cpuMs() {
      return new Promise<number>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`${options.module} did not report its CPU time`)),
          10_000,
        );
        child.once('message', (message) => {
          clearTimeout(timer);
          resolve((message as { cpuMs: number }).cpuMs);
        });
        child.send('cpu');
      });
    },
    async stop(timeoutMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.send('stop');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * In a child: answers the parent's `cpu` with the CPU time used so far; on `stop` runs `stop` and exits (a clean
 * exit writes `--cpu-prof` files).
 */
export function serveParent(stop: () => Promise<void>): void {
  const finish = () =>
    void stop()
      .catch((error: unknown) => console.error(error))
      .finally(() => process.exit(0));
  process.on('message', (message) => {
    if (message === 'stop') finish();
    if (message === 'cpu') {
      const { user, system } = process.cpuUsage();
      process.send!({ cpuMs: (user + system) / 1000 });
    }
  });
  process.on('disconnect', finish);
}

export function logPath(dir: string, name: string): string {
  return join(dir, `${name}.log`);
}
