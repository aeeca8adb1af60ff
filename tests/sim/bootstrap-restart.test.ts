/**
 * The emulated infrastructure belongs to the world: after a restart from the state file a
 * cluster's Kubernetes API is back (same port and token, new CA: the kubeconfig in `/sim/state`
 * is current) with its nodes and Cluster API objects, and a bootstrap that was in progress resumes
 * at the phase it was in.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunningSimulator } from '../../sim/server.ts';
import { startTestSimulator, VcdClient, type VcdTask } from '../helpers/vcd.ts';
import {
  kubeGet,
  longLivedSessions,
  ownerApiToken,
  phases,
  ReportEndpoint,
  startBootstrap,
  tenantFixture,
  tkgTemplateName,
} from './bootstrap-fixtures.ts';
import { eventually, queryRecords } from './support/infra.ts';

interface StateView {
  slices: {
    bootstraps: { bootstraps: Record<string, { clusterId: string; phase: string; state: string }> };
    workloadClusters: { clusters: Record<string, { kubeApi: { url: string; kubeconfig: string } | null }> };
  };
}

describe('emulated clusters and bootstraps across a simulator restart', () => {
  let dir: string;
  let stateFile: string;
  let sim: RunningSimulator | undefined;
  let endpoint: ReportEndpoint | undefined;
  const network = 'acme-k8s-net-uplink';
  const secrets = new Map<string, string>();
  const first = { name: 'first', id: `urn:vcloud:entity:cseoss:k8scluster:${randomUUID()}` };
  const second = { name: 'second', id: `urn:vcloud:entity:cseoss:k8scluster:${randomUUID()}` };
  let firstUrl: string;

  const state = async () => (await (await fetch(`${sim!.url}/sim/state`)).json()) as StateView;
  const start = async (register: boolean) => {
    sim = await startTestSimulator({ speed: 1000, stateFile });
    await longLivedSessions(sim);
    endpoint = await ReportEndpoint.start(sim, await VcdClient.provider(sim.url), register);
    for (const [id, secret] of secrets) endpoint.expectedSecrets.set(id, secret);
    return VcdClient.login(sim.url, 'acme-author', 'acme');
  };
  const stop = async () => {
    await endpoint?.stop();
    await sim?.close();
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bootstrap-restart-'));
    stateFile = join(dir, 'world.json');
  });
  after(async () => {
    await stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('builds one cluster and leaves a second bootstrap in its pivot when the simulator stops', async () => {
    const author = await start(true);
    const fixture = await tenantFixture(author, 'acme');
    const apiToken = await ownerApiToken(author, 'acme');
    const template = await tkgTemplateName(author);
    const world = { sim: sim!, author, endpoint: endpoint!, fixture, apiToken, template };
    const boot = async (cluster: { name: string; id: string }, vip: string) => {
      const run = { clusterName: cluster.name, clusterId: cluster.id, network, vip, loadBalancer: true };
      secrets.set(cluster.id, (await startBootstrap(world, run)).secret);
    };
    await boot(first, '198.51.100.16');
    await eventually(async () => endpoint!.of(first.id).some((report) => report.phase === 'done'), 20_000);
    firstUrl = (await state()).slices.workloadClusters.clusters[first.id]!.kubeApi!.url;

    // The second bootstrap's pivot takes a long while: the simulator stops in the middle of it.
    const fault = await fetch(`${sim!.url}/sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ operationClass: 'bootstrap:pivoted', delayMs: 600_000 }),
    });
    assert.ok(fault.ok);
    await boot(second, '198.51.100.17');
    await eventually(async () => {
      const bootstrap = Object.values((await state()).slices.bootstraps.bootstraps).find(
        (entry) => entry.clusterId === second.id,
      );
      return bootstrap?.phase === 'pivoted';
    }, 20_000);
    await stop();
  });

  it('after the restart the first cluster answers on the same URL with its nodes and Cluster API objects', async () => {
    await start(false);
    const cluster = (await state()).slices.workloadClusters.clusters[first.id]!;
    assert.equal(cluster.kubeApi!.url, firstUrl);
    const kubeconfig = cluster.kubeApi!.kubeconfig;
    const nodes = await kubeGet<{ items: { metadata: { name: string } }[] }>(kubeconfig, '/api/v1/nodes');
    assert.equal(nodes.status, 200);
    assert.equal(nodes.body.items.length, 2);
    const deployments = await kubeGet<{ items: { spec: { replicas: number } }[] }>(
      kubeconfig,
      '/apis/cluster.x-k8s.io/v1beta1/namespaces/first-ns/machinedeployments',
    );
    assert.deepEqual(
      deployments.body.items.map((item) => item.spec.replicas),
      [1],
    );
  });

  it('the interrupted bootstrap resumes at its phase and finishes', async () => {
    await eventually(async () => endpoint!.of(second.id).some((report) => report.phase === 'done'), 20_000);
    assert.deepEqual(
      endpoint!.of(second.id).map((report) => report.phase),
      phases.slice(phases.indexOf('pivoted')),
    );
  });

  it('deleting the restored cluster vApp stops its API server', async () => {
    const author = await VcdClient.login(sim!.url, 'acme-author', 'acme');
    const href = (await queryRecords<{ href: string }>(author, 'vApp', 'name==first')).record[0]!.href;
    const undeploy = await author.post<VcdTask>(`${href}/action/undeploy`, {
      undeployPowerAction: 'powerOff',
    });
    await author.waitForTask(undeploy.body.href);
    const deleted = await author.delete<VcdTask>(href);
    assert.equal((await author.waitForTask(deleted.body.href)).status, 'success');
    const kubeconfig = (await state()).slices.workloadClusters.clusters[first.id];
    assert.equal(kubeconfig, undefined);
    await assert.rejects(kubeGet(cluster(firstUrl), '/api/v1/nodes'));
  });
});

/** A kubeconfig-shaped text good enough to try a connection (the server is gone, so TLS never starts). */
function cluster(url: string): string {
  return `clusters:\n- cluster:\n    server: ${url}\n    certificate-authority-data: ""\nusers:\n- user:\n    token: x\n`;
}
