import { Command } from 'commander';
import { productVersion } from '../version.ts';
import { registerClustersCommands } from './commands/clusters.ts';
import { registerImagesCommand } from './commands/images.ts';
import { registerSettingsCommands } from './commands/settings.ts';
import { registerTemplatesCommands } from './commands/templates.ts';
import { registerTenantsCommands } from './commands/tenants.ts';

/**
 * Commands that only talk to VCD's API: they load a small part of the code base, so a script calling them many
 * times does not pay for loading the worker and the simulator each time.
 */
const automationCommands: Record<string, (program: Command) => void> = {
  tenants: registerTenantsCommands,
  templates: registerTemplatesCommands,
  settings: registerSettingsCommands,
  clusters: registerClustersCommands,
  images: registerImagesCommand,
};

/** The `cse` program; with `only` naming an automation command, just that command (fast start). */
export async function buildProgram(only?: string): Promise<Command> {
  const program = new Command('cse')
    .description('Container Service Extension for VMware Cloud Director')
    .version(productVersion, '-V, --version', 'print the version');
  const single = only !== undefined ? automationCommands[only] : undefined;
  if (single) {
    single(program);
    return program;
  }
  const [
    { registerStartCommand },
    { registerSimCommand },
    { registerWorkerCommand },
    { registerInstallCommands },
  ] = await Promise.all([
    import('./commands/start.ts'),
    import('./commands/sim.ts'),
    import('./commands/worker.ts'),
    import('./commands/install.ts'),
  ]);
  registerStartCommand(program);
  registerSimCommand(program);
  registerWorkerCommand(program);
  registerInstallCommands(program);
  for (const register of Object.values(automationCommands)) register(program);
  return program;
}

await (await buildProgram(process.argv[2])).parseAsync(process.argv);
