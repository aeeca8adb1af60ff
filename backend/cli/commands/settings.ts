/** `cse settings get|set -f FILE`: the provider settings entity. */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parse, stringify } from 'yaml';
import type { SettingsDocument } from '../../provider/settings.ts';
import { action, addConnectionOptions, CliError, connect, cse, type ConnectionFlags } from './cse-api.ts';

export function registerSettingsCommands(program: Command): void {
  const settings = program
    .command('settings')
    .description('provider settings (registry, bootstrap, versions, timeouts, proxy, CAs)');
  addConnectionOptions(
    settings
      .command('get')
      .description('print the settings in force (YAML; its ETag goes to stderr)')
      .option('-o, --output <format>', 'yaml or json', 'yaml'),
  ).action(
    action(async (flags: ConnectionFlags & { output: string }) => {
      const response = await cse<SettingsDocument>(connect(flags), 'GET', '/provider/settings');
      process.stdout.write(
        flags.output === 'json' ? `${JSON.stringify(response.body, null, 2)}\n` : stringify(response.body),
      );
      if (response.etag) process.stderr.write(`ETag: ${response.etag}\n`);
    }),
  );
  addConnectionOptions(
    settings
      .command('set')
      .description(
        'replace the settings with a YAML or JSON file (validated in full; nothing saved on a problem)',
      )
      .requiredOption('-f, --file <file>', 'settings document (as cse settings get prints it)')
      .option('--if-match <etag>', 'save only if the settings still have this ETag'),
  ).action(
    action(async (flags: ConnectionFlags & { file: string; ifMatch?: string }) => {
      let document: unknown;
      try {
        document = parse(await readFile(flags.file, 'utf8'));
      } catch (error) {
        throw new CliError(`cannot read ${flags.file}: ${(error as Error).message.split('\n')[0]}`);
      }
      const response = await cse<SettingsDocument>(connect(flags), 'PUT', '/provider/settings', {
        body: document,
        headers: flags.ifMatch ? { 'If-Match': flags.ifMatch } : {},
      });
      process.stdout.write(`Settings saved${response.etag ? ` (ETag ${response.etag})` : ''}.\n`);
    }),
  );
}
