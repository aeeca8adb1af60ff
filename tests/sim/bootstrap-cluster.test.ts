/**
 * The emulated bootstrap VM and CAPVCD, end to end over real HTTP: a VM booted with a cloud-init
 * shaped like the worker's reports every phase to an API extension served on the simulator's bus,
 * builds the workload cluster (vApp, VMs, pool members, Kubernetes API), which the real kubectl
 * reads and scales, and deleting the cluster's vApp tears it all down.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { VcdPage, VcdTask } from '../helpers/vcd.ts';
import {
  bootstrapWorldHooks,
  controlPlaneLoadBalancer,
  kubeGet,
  phases,
  runBootstrap,
  type AlbFixture,
} from './bootstrap-fixtures.ts';
import { byName, eventually, ipOf, queryRecords, type VAppBody } from './support/infra.ts';

const run = promisify(execFile);

describe('emulated bootstrap and CAPVCD: create, kubectl, day-2 resize, delete', () => {
  const world = bootstrapWorldHooks();
  let alb: AlbFixture;
  let dir: string;
  let kubeconfigFile: string;
  let clusterVAppHref: string;
  let bootstrapVmId: string;
  let usedBefore: number;
  const clusterId = `urn:vcloud:entity:cseoss:k8scluster:${randomUUID()}`;
  const clusterName = 'demo';
  const secret = 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA';
  const network = 'acme-k8s-net-uplink';

  const usedIps = async () =>
    (
      await byName<{ id: string; name: string; usedIpCount: number }>(
        world.author,
        '/cloudapi/1.0.0/orgVdcNetworks',
        network,
      )
    ).usedIpCount;
  const clusterVApp = async () => (await world.author.get<VAppBody>(clusterVAppHref)).body;
  const kubectl = async (...args: string[]) =>
    (await run('kubectl', ['--kubeconfig', kubeconfigFile, ...args], { timeout: 20_000 })).stdout;
  let kubeconfig: string;
  const nodeNames = async () =>
    (await kubeGet<{ items: { metadata: { name: string } }[] }>(kubeconfig, '/api/v1/nodes')).body.items
      .map((node) => node.metadata.name)
      .sort();

  before(async () => {
    alb = await controlPlaneLoadBalancer(
      world.author,
      network,
      `${clusterName}-${clusterId}-tcp`,
      '198.51.100.15',
    );
    dir = await mkdtemp(join(tmpdir(), 'bootstrap-cluster-'));
    kubeconfigFile = join(dir, 'kubeconfig');
    usedBefore = await usedIps();
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('reports every phase in order, with the one-time secret and a bearer from the owner API token', async () => {
    const { vm, reports } = await runBootstrap(world, {
      clusterName,
      clusterId,
      secret,
      network,
      vip: '198.51.100.15',
      cluster: {
        sizingPolicy: 'TKG medium',
        pools: [{ name: 'pool-a', count: 2, sizingPolicy: 'TKG small' }],
      },
      cloudInit: { vcdUrl: 'https://vcd.example.com', artifactsUrl: world.sim.url },
    });
    bootstrapVmId = vm.vApp.children.vm[0]!.id;

    assert.deepEqual(
      reports.map((report) => report.phase),
      phases,
    );
    assert.ok(reports.every((report) => report.status === 'succeeded' && report.message === ''));
    assert.ok(reports.every((report) => report.secret === secret));
    assert.ok(reports.every((report) => /^Bearer \S+$/.test(report.authorization ?? '')));
    assert.ok(
      reports.every((report) => report.authorization !== `Bearer ${world.author.token}`),
      'not the test session',
    );
    const user = await world.author.get<{ user: { id: string } }>('/cloudapi/1.0.0/sessions/current');
    assert.ok(
      reports.every((report) => report.user === user.body.user.id),
      'acts as the token owner',
    );
    const withKubeconfig = reports.filter((report) => report.kubeconfig);
    assert.deepEqual(
      withKubeconfig.map((report) => report.phase),
      ['kubeconfig-ready'],
    );
    kubeconfig = withKubeconfig[0]!.kubeconfig!;
    await writeFile(kubeconfigFile, kubeconfig);
  });

  it('creates a vApp named after the cluster with one VM per replica, the sizing policies and pool IPs', async () => {
    const records = await queryRecords<{ href: string }>(world.author, 'vApp', `name==${clusterName}`);
    assert.equal(records.record.length, 1);
    clusterVAppHref = records.record[0]!.href;
    const vApp = await clusterVApp();
    const vms = vApp.children.vm;
    assert.equal(vms.length, 3);
    const controlPlane = vms.filter((vm) => /^demo-control-plane-[a-z0-9]{5}$/.test(vm.name));
    const workers = vms.filter((vm) => /^demo-pool-a-[0-9a-f]{10}-[a-z0-9]{5}$/.test(vm.name));
    assert.equal(controlPlane.length, 1, vms.map((vm) => vm.name).join());
    assert.equal(workers.length, 2, vms.map((vm) => vm.name).join());
    assert.equal(controlPlane[0]!.vmSpecSection.memoryResourceMb.configured, 8192, 'TKG medium');
    assert.ok(
      workers.every((vm) => vm.vmSpecSection.memoryResourceMb.configured === 4096),
      'TKG small',
    );
    assert.ok(vms.every((vm) => vm.status === 4));
    const ips = vms.map((vm) => ipOf(vm)!);
    assert.ok(
      ips.every((ip) => /^10\.10\.2\.\d+$/.test(ip)),
      ips.join(),
    );
    assert.equal(new Set(ips).size, 3);
    assert.equal(await usedIps(), usedBefore + 3);
  });

  it('adds the control-plane IP to the existing pool, without a second pool or virtual service', async () => {
    const vApp = await clusterVApp();
    const controlPlaneIp = ipOf(vApp.children.vm.find((vm) => vm.name.startsWith('demo-control-plane-'))!)!;
    const pool = await world.author.get<{ members: { ipAddress: string; port: number | null }[] }>(
      `/cloudapi/1.0.0/loadBalancer/pools/${alb.poolId}`,
    );
    assert.equal(pool.status, 200, pool.text);
    assert.deepEqual(
      pool.body.members.map((member) => [member.ipAddress, member.port]),
      [[controlPlaneIp, 6443]],
    );
    const name = encodeURIComponent(`name==${clusterName}-${clusterId}-tcp`);
    const pools = await world.author.get<VcdPage<unknown>>(
      `/cloudapi/1.0.0/edgeGateways/${alb.gatewayId}/loadBalancer/poolSummaries?filter=${name}`,
    );
    const services = await world.author.get<VcdPage<unknown>>(
      `/cloudapi/1.0.0/edgeGateways/${alb.gatewayId}/loadBalancer/virtualServiceSummaries?filter=${name}`,
    );
    assert.equal(pools.body.resultTotal, 1);
    assert.equal(services.body.resultTotal, 1);
  });

  it('serves a Kubernetes API that the real kubectl reads: the nodes are the VMs, Cluster API objects moved', async () => {
    const vApp = await clusterVApp();
    const listed = JSON.parse(await kubectl('get', 'nodes', '-o', 'json')) as {
      items: { metadata: { name: string } }[];
    };
    assert.deepEqual(
      listed.items.map((node) => node.metadata.name).sort(),
      vApp.children.vm.map((vm) => vm.name).sort(),
    );
    const wide = await kubectl('get', 'nodes', '-o', 'wide');
    for (const vm of vApp.children.vm) assert.match(wide, new RegExp(`${vm.name}\\s+Ready`));
    const deployments = JSON.parse(
      await kubectl('get', 'machinedeployments', '-n', 'demo-ns', '-o', 'json'),
    ) as {
      items: { metadata: { name: string }; status: { readyReplicas: number } }[];
    };
    assert.deepEqual(
      deployments.items.map((item) => [item.metadata.name, item.status.readyReplicas]),
      [['demo-pool-a', 2]],
    );
    const machines = await kubectl('get', 'machines', '-n', 'demo-ns', '-o', 'name');
    assert.equal(machines.trim().split('\n').length, 3);
  });

  it('day 2: scaling the MachineDeployment in the workload cluster adds and removes worker VMs and nodes', async () => {
    await kubectl(
      'patch',
      'machinedeployment',
      'demo-pool-a',
      '-n',
      'demo-ns',
      '--type',
      'merge',
      '-p',
      '{"spec":{"replicas":3}}',
    );
    await eventually(async () => (await nodeNames()).length === 4, 15_000);
    assert.equal((await clusterVApp()).children.vm.length, 4);
    assert.equal(await usedIps(), usedBefore + 4);

    await kubectl(
      'patch',
      'machinedeployment',
      'demo-pool-a',
      '-n',
      'demo-ns',
      '--type',
      'merge',
      '-p',
      '{"spec":{"replicas":1}}',
    );
    await eventually(async () => (await nodeNames()).length === 2, 15_000);
    const vms = (await clusterVApp()).children.vm.map((vm) => vm.name).sort();
    assert.deepEqual(vms, await nodeNames());
    assert.equal(await usedIps(), usedBefore + 2);
  });

  it('day 2: a new KubeadmControlPlane version replaces the control-plane VM and its pool member', async () => {
    const oldName = (await nodeNames()).find((name) => name.startsWith('demo-control-plane-'))!;
    await kubectl(
      'patch',
      'kubeadmcontrolplane',
      'demo-control-plane',
      '-n',
      'demo-ns',
      '--type',
      'merge',
      '-p',
      '{"spec":{"version":"v1.29.6+vmware.1"}}',
    );
    const newName = await eventually(async () => {
      const names = await nodeNames();
      const controlPlane = names.filter((name) => name.startsWith('demo-control-plane-'));
      return controlPlane.length === 1 && controlPlane[0] !== oldName && controlPlane[0];
    }, 15_000);
    const vm = (await clusterVApp()).children.vm.find((candidate) => candidate.name === newName)!;
    const pool = await world.author.get<{ members: { ipAddress: string }[] }>(
      `/cloudapi/1.0.0/loadBalancer/pools/${alb.poolId}`,
    );
    assert.deepEqual(
      pool.body.members.map((member) => member.ipAddress),
      [ipOf(vm)],
    );
  });

  it('/sim/state shows the finished bootstrap and the cluster infrastructure', async () => {
    const state = (await (await fetch(`${world.sim.url}/sim/state`)).json()) as {
      slices: {
        bootstraps: { bootstraps: Record<string, { state: string; reports: unknown[]; clusterId: string }> };
        workloadClusters: {
          clusters: Record<string, { vAppId: string; machines: unknown[]; kubeApi: { url: string } | null }>;
        };
      };
    };
    const bootstrap = state.slices.bootstraps.bootstraps[bootstrapVmId]!;
    assert.equal(bootstrap.state, 'succeeded');
    assert.equal(bootstrap.clusterId, clusterId);
    assert.equal(bootstrap.reports.length, phases.length);
    const cluster = state.slices.workloadClusters.clusters[clusterId]!;
    assert.equal(cluster.machines.length, 2);
    assert.match(cluster.kubeApi!.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it('deleting the bootstrap VM drops its bootstrap record', async () => {
    const href = (
      await queryRecords<{ href: string }>(world.author, 'vApp', `name==${clusterName}-bootstrap`)
    ).record[0]!.href;
    const undeploy = await world.author.post<VcdTask>(`${href}/action/undeploy`, {
      undeployPowerAction: 'powerOff',
    });
    assert.equal((await world.author.waitForTask(undeploy.body.href)).status, 'success');
    const deleted = await world.author.delete<VcdTask>(href);
    assert.equal((await world.author.waitForTask(deleted.body.href)).status, 'success');
    const state = (await (await fetch(`${world.sim.url}/sim/state`)).json()) as {
      slices: { bootstraps: { bootstraps: Record<string, unknown> } };
    };
    assert.deepEqual(state.slices.bootstraps.bootstraps, {});
  });

  it('deleting the cluster vApp stops its Kubernetes API and releases its IPs', async () => {
    const undeploy = await world.author.post<VcdTask>(`${clusterVAppHref}/action/undeploy`, {
      undeployPowerAction: 'powerOff',
    });
    assert.equal(undeploy.status, 202, undeploy.text);
    assert.equal((await world.author.waitForTask(undeploy.body.href)).status, 'success');
    const deleted = await world.author.delete<VcdTask>(clusterVAppHref);
    assert.equal(deleted.status, 202, deleted.text);
    assert.equal((await world.author.waitForTask(deleted.body.href)).status, 'success');
    await eventually(async () => {
      try {
        await kubectl('get', 'nodes', '--request-timeout=2s');
        return false;
      } catch (error) {
        return /refused|connect|Unable to connect/i.test(
          String((error as { stderr?: string }).stderr ?? error),
        );
      }
    }, 10_000);
    assert.equal(await usedIps(), usedBefore);
    const state = (await (await fetch(`${world.sim.url}/sim/state`)).json()) as {
      slices: { workloadClusters: { clusters: Record<string, unknown> } };
    };
    assert.deepEqual(state.slices.workloadClusters.clusters, {});
  });
});
