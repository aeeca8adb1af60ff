/** `cse clusters list|get|create|delete|kubeconfig`: the tenant's clusters through our API (as the token's user). */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parse } from 'yaml';
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
import type { VcdClient } from '../../vcd/client.ts';

interface ClusterSummary {
  id: string;
  name: string;
  org: { name: string };
  vdc: string;
  phase: string;
  kubernetesVersion: string | null;
  controlPlaneEndpoint: string | null;
  nodePools: { ready: number; desired: number };
}

interface ClusterPage {
  resultTotal: number;
  pageCount: number;
  values: ClusterSummary[];
}

async function allClusters(vcd: VcdClient, name?: string): Promise<ClusterSummary[]> {
  const clusters: ClusterSummary[] = [];
  for (let page = 1; ; page += 1) {
    const response = await cse<ClusterPage>(vcd, 'GET', '/clusters', {
      query: { page: String(page), pageSize: '128', ...(name ? { name } : {}) },
    });
    clusters.push(...response.body.values);
    if (page >= response.body.pageCount || response.body.values.length === 0) return clusters;
  }
}

/** A cluster id as given, or the id of the one cluster with that name. */
async function clusterId(vcd: VcdClient, cluster: string): Promise<string> {
  if (cluster.startsWith('urn:vcloud:entity:')) return cluster;
  if (!/^[a-z0-9-]+$/.test(cluster))
    throw new CliError(`"${cluster}" is neither a cluster id nor a cluster name`);
  const found = (await allClusters(vcd, cluster)).filter((candidate) => candidate.name === cluster);
  if (found.length === 0) throw new CliError(`no cluster named "${cluster}"`);
  if (found.length > 1)
    throw new CliError(
      `${found.length} clusters are named "${cluster}" (${found.map((c) => c.org.name).join(', ')}); give its id`,
    );
  return found[0]!.id;
}

function clusterOptions(command: Command): Command {
  return addConnectionOptions(command);
}

export function registerClustersCommands(program: Command): void {
  const clusters = program.command('clusters').description('Kubernetes clusters');
  addOutputOption(
    clusterOptions(clusters.command('list').description('clusters the token user can see')),
  ).action(
    action(async (flags: ConnectionFlags & { output: OutputFormat }) => {
      const values = await allClusters(connect(flags));
      if (flags.output === 'json') return printJson(values);
      printTable(
        ['NAME', 'ORG', 'VDC', 'PHASE', 'KUBERNETES', 'NODES', 'ENDPOINT', 'ID'],
        values.map((c) => [
          c.name,
          c.org.name,
          c.vdc,
          c.phase,
          c.kubernetesVersion,
          `${c.nodePools.ready}/${c.nodePools.desired}`,
          c.controlPlaneEndpoint,
          c.id,
        ]),
      );
    }),
  );
  clusterOptions(clusters.command('get <cluster>').description('one cluster (id or name) as JSON')).action(
    action(async (cluster: string, flags: ConnectionFlags) => {
      const vcd = connect(flags);
      printJson(
        (await cse<unknown>(vcd, 'GET', `/clusters/${encodeURIComponent(await clusterId(vcd, cluster))}`))
          .body,
      );
    }),
  );
  clusterOptions(
    clusters
      .command('create')
      .description(
        'create a cluster from a YAML or JSON specification (the API token becomes its owner token)',
      )
      .requiredOption('-f, --file <file>', 'cluster specification (docs/cluster-spec.md)'),
  ).action(
    action(async (flags: ConnectionFlags & { file: string }) => {
      let spec: unknown;
      try {
        spec = parse(await readFile(flags.file, 'utf8'));
      } catch (error) {
        throw new CliError(`cannot read ${flags.file}: ${(error as Error).message.split('\n')[0]}`);
      }
      if (typeof spec !== 'object' || spec === null || Array.isArray(spec))
        throw new CliError(`${flags.file} does not hold a cluster specification (a YAML mapping)`);
      const token = flags.token ?? process.env['CSE_VCD_API_TOKEN'];
      const body = { ...(spec as Record<string, unknown>) };
      body['apiToken'] ??= token;
      const response = await cse<{ id: string; phase: string }>(connect(flags), 'POST', '/clusters', {
        body,
      });
      process.stdout.write(`${response.body.id} ${response.body.phase}\n`);
    }),
  );
  clusterOptions(
    clusters
      .command('delete <cluster>')
      .description('delete a cluster (id or name) and everything made for it')
      .option('--force', 'delete from any phase, including mid-create'),
  ).action(
    action(async (cluster: string, flags: ConnectionFlags & { force?: boolean }) => {
      const vcd = connect(flags);
      const id = await clusterId(vcd, cluster);
      await cse(vcd, 'DELETE', `/clusters/${encodeURIComponent(id)}`, {
        query: flags.force ? { force: 'true' } : {},
      });
      process.stdout.write(`${id} Deleting\n`);
    }),
  );
  clusterOptions(
    clusters.command('kubeconfig <cluster>').description("print a Ready cluster's admin kubeconfig"),
  ).action(
    action(async (cluster: string, flags: ConnectionFlags) => {
      const vcd = connect(flags);
      const id = await clusterId(vcd, cluster);
      const response = await cse<{ kubeconfig: string }>(
        vcd,
        'GET',
        `/clusters/${encodeURIComponent(id)}/kubeconfig`,
      );
      process.stdout.write(
        response.body.kubeconfig.endsWith('\n') ? response.body.kubeconfig : `${response.body.kubeconfig}\n`,
      );
    }),
  );
}
