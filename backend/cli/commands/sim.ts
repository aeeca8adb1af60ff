import { InvalidArgumentError, type Command } from 'commander';
import { defaultSimulatorOptions, SimulatorStartError } from '../../../sim/options.ts';
import { startSimulator } from '../../../sim/server.ts';
import { exitWithError, onShutdownSignal } from '../process.ts';

export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidArgumentError(`expected a port number between 0 and 65535, got "${value}"`);
  }
  return port;
}

function parsePositiveNumber(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) {
    throw new InvalidArgumentError(`expected a positive number, got "${value}"`);
  }
  return number;
}

function parseInteger(value: string): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number)) throw new InvalidArgumentError(`expected an integer, got "${value}"`);
  return number;
}

interface SimFlags {
  host: string;
  port: number;
  speed: number;
  seed: number;
  state?: string;
  admin?: boolean;
  amqp?: string;
  portal?: string;
  faults?: string;
  airGapped?: boolean;
}

export function registerSimCommand(program: Command): void {
  program
    .command('sim')
    .description('run the Cloud Director simulator (HTTP API, bus routing, portal)')
    .option('--host <host>', 'address to listen on', defaultSimulatorOptions.host)
    .option('--port <port>', 'port to listen on', parsePort, defaultSimulatorOptions.port)
    .option('--speed <factor>', 'divide every simulated latency by this factor', parsePositiveNumber, 1)
    .option('--seed <n>', 'seed of the generated world', parseInteger, 1)
    .option('--state <file>', 'load the world from this JSON file and save it there')
    .option('--admin', 'enable the /sim/* admin endpoints (tests, benchmarks)')
    .option('--amqp <url>', 'RabbitMQ URL for AMQP API extensions')
    .option('--portal <dir>', 'folder of the built portal', 'dist/portal/browser')
    .option('--faults <file>', 'JSON file of fault rules active from the start (see sim/README.md)')
    .option(
      '--air-gapped',
      'the simulated site has no internet: bootstrap VMs cannot reach GitHub or dl.k8s.io',
    )
    .action(async (flags: SimFlags) => {
      try {
        const sim = await startSimulator({
          host: flags.host,
          port: flags.port,
          speed: flags.speed,
          seed: flags.seed,
          stateFile: flags.state,
          admin: flags.admin === true,
          amqpUrl: flags.amqp,
          portalDir: flags.portal,
          faultsFile: flags.faults,
          airGapped: flags.airGapped === true,
        });
        process.stdout.write(`simulator listening on ${sim.url}\n`);
        onShutdownSignal(() => sim.close(), 10_000);
      } catch (error) {
        if (error instanceof SimulatorStartError) {
          process.stderr.write(`cse: ${error.message}\n`);
          process.exit(1);
        }
        exitWithError(error);
      }
    });
}
