/** `cse templates list|set`: the template catalog, its lifecycle and publication. */
import { InvalidArgumentError, type Command } from 'commander';
import type { ProviderTemplate, TemplateChange } from '../../provider/templates-lifecycle.ts';
import type { TemplateLifecycle } from '../../provider/provider-config.ts';
import {
  action,
  addConnectionOptions,
  addOutputOption,
  CliError,
  connect,
  cse,
  printJson,
  printTable,
  type ConnectionFlags,
  type OutputFormat,
} from './cse-api.ts';

function parseLifecycle(value: string): TemplateLifecycle {
  if (value !== 'supported' && value !== 'deprecated' && value !== 'expired')
    throw new InvalidArgumentError('expected supported, deprecated or expired');
  return value;
}

function printTemplates(templates: ProviderTemplate[], output: OutputFormat): void {
  if (output === 'json') return printJson(templates);
  printTable(
    ['ID', 'KUBERNETES', 'TKG', 'OS', 'LIFECYCLE', 'EXPIRES', 'ORGS', 'ALSO SEEN BY', 'NAME', 'USABLE'],
    templates.map((t) => [
      t.id,
      t.kubernetesVersion,
      t.tkgVersion,
      t.os ? `${t.os.name} ${t.os.version}` : null,
      t.lifecycle,
      t.expiresAt,
      t.publishedToAll ? 'all' : t.orgs.map((org) => org.name).join(',') || 'none',
      // Orgs that see it in VCD's catalog view through a sibling template's publication.
      t.catalogAlsoShowsTo.orgs.map((org) => org.name).join(',') || null,
      t.name,
      // An unusable template is listed with why no cluster can be built from it.
      t.usable ? 'yes' : `no: ${t.unusableReason ?? 'unknown reason'}`,
    ]),
  );
}

export function registerTemplatesCommands(program: Command): void {
  const templates = program
    .command('templates')
    .description('the Kubernetes template catalog (TKG templates)');
  addOutputOption(
    addConnectionOptions(
      templates.command('list').description('TKG templates with lifecycle and publication'),
    ),
  ).action(
    action(async (flags: ConnectionFlags & { output: OutputFormat }) => {
      const response = await cse<{ values: ProviderTemplate[] }>(
        connect(flags),
        'GET',
        '/provider/templates',
      );
      printTemplates(response.body.values, flags.output);
    }),
  );
  addOutputOption(
    addConnectionOptions(
      templates
        .command('set <template>')
        .description("change a template's lifecycle, expiry or orgs (template: id or name)")
        .option('--lifecycle <lifecycle>', 'supported, deprecated or expired', parseLifecycle)
        .option('--expires <date>', 'expiry date (ISO 8601, in the future), or "none" to clear it')
        .option('--orgs <orgs>', 'comma-separated org names, "all", or "none" to unpublish'),
    ),
  ).action(
    action(
      async (
        template: string,
        flags: ConnectionFlags & {
          lifecycle?: TemplateLifecycle;
          expires?: string;
          orgs?: string;
          output: OutputFormat;
        },
      ) => {
        const change: TemplateChange = {};
        if (flags.lifecycle) change.lifecycle = flags.lifecycle;
        if (flags.expires !== undefined) change.expiresAt = flags.expires === 'none' ? null : flags.expires;
        if (flags.orgs !== undefined)
          change.orgs =
            flags.orgs === 'all'
              ? 'all'
              : flags.orgs === 'none'
                ? []
                : flags.orgs
                    .split(',')
                    .map((org) => org.trim())
                    .filter(Boolean);
        if (Object.keys(change).length === 0)
          throw new CliError('nothing to change: give --lifecycle, --expires or --orgs');
        const vcd = connect(flags);
        let id = template;
        if (!template.startsWith('urn:')) {
          const all = (await cse<{ values: ProviderTemplate[] }>(vcd, 'GET', '/provider/templates')).body
            .values;
          const found = all.filter((t) => t.name === template);
          if (found.length !== 1)
            throw new CliError(
              found.length === 0
                ? `no TKG template named "${template}"`
                : `${found.length} templates are named "${template}"; give its id`,
            );
          id = found[0]!.id;
        }
        const response = await cse<ProviderTemplate>(
          vcd,
          'PUT',
          `/provider/templates/${encodeURIComponent(id)}`,
          {
            body: change,
          },
        );
        printTemplates([response.body], flags.output);
      },
    ),
  );
}
