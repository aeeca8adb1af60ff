import { Command } from 'commander';
import { productVersion } from '../version.ts';
import { registerInstallCommands } from './commands/install.ts';
import { registerSimCommand } from './commands/sim.ts';
import { registerStartCommand } from './commands/start.ts';
import { registerWorkerCommand } from './commands/worker.ts';

export function buildProgram(): Command {
  const program = new Command('cse')
    .description('Container Service Extension for VMware Cloud Director')
    .version(productVersion, '-V, --version', 'print the version');
  registerStartCommand(program);
  registerSimCommand(program);
  registerWorkerCommand(program);
  registerInstallCommands(program);
  return program;
}

await buildProgram().parseAsync(process.argv);
