/** `cse images`: every image and artifact a cluster creation fetches, from the settings in force (for mirroring). */
import type { Command } from 'commander';
import { clusterArtifacts } from '../../provider/images.ts';
import type { SettingsDocument } from '../../provider/settings.ts';
import {
  action,
  addConnectionOptions,
  addOutputOption,
  connect,
  cse,
  printJson,
  printTable,
  type ConnectionFlags,
  type OutputFormat,
} from './cse-api.ts';

export function registerImagesCommand(program: Command): void {
  addOutputOption(
    addConnectionOptions(
      program
        .command('images')
        .description('list every container image and artifact a cluster creation needs'),
    ),
  ).action(
    action(async (flags: ConnectionFlags & { output: OutputFormat }) => {
      const settings = await cse<SettingsDocument>(connect(flags), 'GET', '/provider/settings');
      const artifacts = clusterArtifacts(settings.body);
      if (flags.output === 'json') return printJson(artifacts);
      printTable(
        ['KIND', 'COMPONENT', 'VERSION', 'REFERENCE', 'MIRROR FROM'],
        artifacts.map((artifact) => [
          artifact.kind,
          artifact.component,
          artifact.version,
          artifact.reference,
          artifact.upstream ?? '',
        ]),
      );
    }),
  );
}
