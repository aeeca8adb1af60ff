/** `cse tenants list|publish|unpublish`: tenant readiness and publishing our rights bundle and roles. */
import type { Command } from 'commander';
import type { TenantReadiness } from '../../provider/tenants.ts';
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

function printTenants(tenants: TenantReadiness[], output: OutputFormat): void {
  if (output === 'json') return printJson(tenants);
  printTable(
    ['ORG', 'READY', 'PUBLISHED', 'MISSING'],
    tenants.map((tenant) => [
      tenant.org.name,
      tenant.ready ? 'yes' : 'no',
      tenant.published ? 'yes' : 'no',
      tenant.checklist
        .filter((item) => !item.ok)
        .map((item) => item.key)
        .join(',') || '-',
    ]),
  );
  for (const tenant of tenants) {
    for (const item of tenant.checklist.filter((entry) => !entry.ok)) {
      process.stdout.write(`  ${tenant.org.name}: ${item.message}\n`);
    }
  }
}

export function registerTenantsCommands(program: Command): void {
  const tenants = program.command('tenants').description('tenant organisations: readiness and publishing');
  addOutputOption(
    addConnectionOptions(tenants.command('list').description('every tenant with its readiness checklist')),
  ).action(
    action(async (flags: ConnectionFlags & { output: OutputFormat }) => {
      const vcd = connect(flags);
      const response = await cse<{ values: TenantReadiness[] }>(vcd, 'GET', '/provider/tenants');
      printTenants(response.body.values, flags.output);
    }),
  );
  for (const verb of ['publish', 'unpublish'] as const) {
    addOutputOption(
      addConnectionOptions(
        tenants
          .command(`${verb} [org]`)
          .description(
            `${verb} our rights bundle and the Kubernetes Cluster Author/Viewer roles ${verb === 'publish' ? 'to' : 'from'} an org (all or nothing)`,
          )
          .option('--all', 'every tenant org'),
      ),
    ).action(
      action(
        async (org: string | undefined, flags: ConnectionFlags & { all?: boolean; output: OutputFormat }) => {
          if (!org && !flags.all) throw new CliError(`name an org, or give --all`);
          if (org && flags.all) throw new CliError(`give an org or --all, not both`);
          const vcd = connect(flags);
          const names = org
            ? [org]
            : (await cse<{ values: TenantReadiness[] }>(vcd, 'GET', '/provider/tenants')).body.values.map(
                (tenant) => tenant.org.name,
              );
          const results: TenantReadiness[] = [];
          for (const name of names) {
            const response = await cse<TenantReadiness>(
              vcd,
              'POST',
              `/provider/tenants/${encodeURIComponent(name)}/${verb}`,
            );
            results.push(response.body);
          }
          printTenants(results, flags.output);
        },
      ),
    );
  }
}
