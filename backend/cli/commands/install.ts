import { InvalidArgumentError, type Command } from 'commander';
import { install } from '../../provider/install.ts';
import {
  defaultExtensionIdentity,
  defaultPluginZip,
  type InstallTransport,
} from '../../provider/identity.ts';
import { uninstall } from '../../provider/uninstall.ts';
import { readSettingsFile, renderSettings, writeSettingsFile } from '../../provider/worker-settings.ts';
import { VcdClient } from '../../vcd/client.ts';
import { VcdError } from '../../vcd/errors.ts';

interface ConnectionFlags {
  vcd: string;
  org: string;
  token?: string;
  pluginZip: string;
}

interface InstallFlags extends ConnectionFlags {
  transport: InstallTransport;
  exchange: string;
  routingKey: string;
  output?: string;
  workerToken?: string;
  rotateTokens?: boolean;
}

function parseTransport(value: string): InstallTransport {
  if (value !== 'amqp' && value !== 'mqtt') throw new InvalidArgumentError('expected amqp or mqtt');
  return value;
}

function connection(flags: ConnectionFlags): VcdClient {
  const token = flags.token ?? process.env['CSE_VCD_API_TOKEN'];
  if (!token) {
    throw new InvalidArgumentError('a provider API token is needed: --token TOKEN or CSE_VCD_API_TOKEN');
  }
  return new VcdClient({ url: flags.vcd, org: flags.org, apiToken: token });
}

function connectionOptions(command: Command): Command {
  return command
    .option('--vcd <url>', 'VCD base URL', process.env['CSE_VCD_URL'] ?? 'http://127.0.0.1:8443')
    .option('--org <org>', 'org of the API token (the provider: System)', 'System')
    .option('--token <token>', 'provider API token (default: CSE_VCD_API_TOKEN)')
    .option('--plugin-zip <file>', 'UI plugin zip', defaultPluginZip);
}

/** Errors a provider can act on: one line, exit 1. */
function fail(error: unknown): never {
  const message =
    error instanceof VcdError
      ? `VCD refused ${error.operation ?? 'a call'}: ${error.message} (${error.status} ${error.minorErrorCode})`
      : error instanceof Error
        ? error.message
        : String(error);
  process.stderr.write(`cse: ${message}\n`);
  process.exit(1);
}

export function registerInstallCommands(program: Command): void {
  connectionOptions(
    program
      .command('install')
      .description(
        'register CSE in VCD (extension, rights, roles, RDE type and behaviours, UI plugin); idempotent',
      ),
  )
    .option('--transport <amqp|mqtt>', 'how VCD reaches the worker', parseTransport, 'mqtt')
    .option('--exchange <name>', 'AMQP exchange', defaultExtensionIdentity.exchange)
    .option('--routing-key <key>', 'AMQP routing key', defaultExtensionIdentity.routingKey)
    .option('--output <file>', 'write the worker settings to this file (0600) instead of printing them')
    .option('--worker-token <token>', "use this API token as the worker's instead of issuing one")
    .option('--rotate-tokens', 'revoke and issue the worker and extension tokens again')
    .action(async (flags: InstallFlags) => {
      try {
        const vcd = connection(flags);
        // Settings go to stdout when printed; progress then goes to stderr so the output stays a clean file.
        const print = (line: string) => (flags.output ? process.stdout : process.stderr).write(`${line}\n`);
        print(`Installing CSE into ${vcd.url} (transport ${flags.transport})`);
        const previous = flags.output ? await readSettingsFile(flags.output) : undefined;
        const result = await install({
          vcd,
          org: flags.org,
          transport: flags.transport,
          identity: { exchange: flags.exchange, routingKey: flags.routingKey },
          pluginZip: flags.pluginZip,
          previous,
          workerToken: flags.workerToken,
          rotate: flags.rotateTokens === true,
          print,
        });
        print(
          result.report.unchanged ? 'Nothing to change.' : `${result.report.changes().length} change(s).`,
        );
        if (flags.output) {
          await writeSettingsFile(flags.output, result.settings);
          print(`Worker settings written to ${flags.output}; run: cse worker --config ${flags.output}`);
        } else {
          process.stdout.write(renderSettings(result.settings));
        }
      } catch (error) {
        fail(error);
      }
    });

  connectionOptions(program.command('uninstall').description('remove what cse install created')).action(
    async (flags: ConnectionFlags) => {
      try {
        const vcd = connection(flags);
        process.stdout.write(`Uninstalling CSE from ${vcd.url}\n`);
        await uninstall({
          vcd,
          pluginZip: flags.pluginZip,
          print: (line) => process.stdout.write(`${line}\n`),
        });
      } catch (error) {
        fail(error);
      }
    },
  );
}
