import type { Command } from 'commander';
import { loadWorkerConfig } from '../../config/load.ts';
import { startWorker } from '../../main.ts';
import { exitWithError, onShutdownSignal } from '../process.ts';

interface WorkerFlags {
  config?: string;
  pretty?: boolean;
  port?: string;
  amqp?: string;
}

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('run the worker: bus transports, the /api/cse API, and the health/metrics server')
    .option('-c, --config <file>', 'YAML configuration file (environment variables CSE_* override it)')
    .option('--pretty', 'human-readable logs instead of JSON')
    .option('--port <port>', 'port of the health and metrics server (http.port)')
    .option('--amqp <url>', 'use the AMQP transport with this RabbitMQ URL (bus.amqpUrl)')
    .action(async (flags: WorkerFlags) => {
      try {
        const config = await loadWorkerConfig({
          file: flags.config,
          overrides: {
            'log.pretty': flags.pretty ? true : undefined,
            'http.port': flags.port,
            'bus.transport': flags.amqp ? 'amqp' : undefined,
            'bus.amqpUrl': flags.amqp,
          },
        });
        const worker = await startWorker(config);
        onShutdownSignal((signal) => worker.stop(signal), config.shutdownTimeoutMs + 1000);
      } catch (error) {
        exitWithError(error);
      }
    });
}
