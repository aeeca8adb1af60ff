import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { before, describe, it } from 'node:test';
import { KubeClient, rolledOut } from '../../backend/kube/client.ts';
import {
  clusterRequest,
  createCluster,
  infrastructure,
  tenantStackHooks,
  waitForPhase,
} from './cluster-fixtures.ts';

const run = promisify(execFile);

describe('a cluster created through /api/cse/v1 becomes Ready and deletes without leftovers', () => {
  const suite = tenantStackHooks();
  let before0: Record<string, unknown>;
  let id: string;

  before(async () => {
    before0 = infrastructure(await suite.stack.admin.state());
  });

  it('accepts the create with 202, the id and a Location', async () => {
    const response = await createCluster(suite.acme, clusterRequest(suite.acme, 'demo'));
    assert.equal(response.status, 202, response.text);
    id = response.body.id;
    assert.match(id, /^urn:vcloud:entity:cseoss:k8scluster:/);
    assert.equal(response.headers.get('location'), `/api/cse/v1/clusters/${id}`);
  });

  it('reaches Ready with endpoints, versions and node pools', async () => {
    const cluster = (await waitForPhase(suite.stack, id, ['Ready', 'Failed']))!;
    assert.equal(cluster.phase, 'Ready', JSON.stringify(cluster.status.events, null, 1));
    assert.equal(cluster.status.endpoints?.controlPlane?.port, 6443);
    assert.ok(cluster.status.endpoints?.ingress?.host);
    assert.deepEqual(cluster.status.endpoints?.ingress?.ports, [80, 443]);
    assert.equal(cluster.status.versions?.kubernetes, 'v1.28.11+vmware.2');
    assert.deepEqual(
      cluster.status.nodePools?.map((pool) => [pool.name, pool.ready, pool.desired]),
      [
        ['control-plane', 1, 1],
        ['workers', 2, 2],
      ],
    );
    assert.equal(cluster.status.operation, undefined);
    const kinds = (cluster.status.resources ?? []).map((r) => r.type).sort();
    assert.deepEqual(kinds, [
      'ipSpaceAllocation',
      'ipSpaceAllocation',
      'loadBalancerPool',
      'loadBalancerPool',
      'loadBalancerPool',
      'virtualService',
      'virtualService',
      'virtualService',
    ]);
    const world = infrastructure(await suite.stack.admin.state()) as { vApps: string[] };
    assert.ok(!world.vApps.some((name) => name.startsWith('cse-bootstrap-')), 'the bootstrap VM is gone');
  });

  it('hands out a kubeconfig that kubectl uses to list the nodes, and records the download', async () => {
    const response = await suite.acme.user.get<{ kubeconfig: string }>(
      `/api/cse/v1/clusters/${id}/kubeconfig`,
      { accept: 'application/json' },
    );
    assert.equal(response.status, 200, response.text);
    const dir = await mkdtemp(join(tmpdir(), 'cse-kubeconfig-'));
    const file = join(dir, 'kubeconfig');
    await writeFile(file, response.body.kubeconfig, { mode: 0o600 });
    const { stdout } = await run('kubectl', ['--kubeconfig', file, 'get', 'nodes', '-o', 'name'], {
      timeout: 20_000,
    });
    assert.equal(stdout.trim().split('\n').length, 3, stdout);
    const events = await suite.acme.user.get<{ values: Array<{ reason: string }> }>(
      `/api/cse/v1/clusters/${id}/events`,
      { accept: 'application/json' },
    );
    assert.ok(events.body.values.some((event) => event.reason === 'KubeconfigDownloaded'));
    assert.ok(events.body.values.some((event) => event.reason === 'ClusterReady'));
  });

  it('runs Contour: the certgen Job completed, contour and envoy are ready, Envoy has node ports', async () => {
    const response = await suite.acme.user.get<{ kubeconfig: string }>(
      `/api/cse/v1/clusters/${id}/kubeconfig`,
      { accept: 'application/json' },
    );
    const kube = new KubeClient(response.body.kubeconfig);
    for (const [apiVersion, kind, name] of [
      ['apps/v1', 'Deployment', 'contour'],
      ['apps/v1', 'DaemonSet', 'envoy'],
      ['batch/v1', 'Job', 'contour-certgen-v1-33-6'],
    ] as const) {
      assert.ok(
        rolledOut(await kube.read(apiVersion, kind, name, 'projectcontour')),
        `${kind}/${name} ready`,
      );
    }
    const crds = await kube.list('apiextensions.k8s.io/v1', 'CustomResourceDefinition');
    assert.equal(crds.filter((crd) => crd.metadata.name.endsWith('.projectcontour.io')).length, 5);
    const envoy = await kube.read('v1', 'Service', 'envoy', 'projectcontour');
    assert.equal(envoy?.spec?.['type'], 'NodePort');
  });

  it('exposes ingress through ALB virtual services on 80 and 443 that are UP', async () => {
    const state = (await suite.stack.admin.state()) as unknown as {
      slices: {
        loadBalancer: {
          virtualServices: Record<
            string,
            { name: string; servicePorts: Array<{ portStart: number }>; healthStatus?: string }
          >;
        };
      };
    };
    const services = Object.values(state.slices.loadBalancer.virtualServices).filter((vs) =>
      vs.name.startsWith('ingress-vs-envoy-'),
    );
    assert.deepEqual(services.map((vs) => vs.servicePorts[0]!.portStart).sort(), [443, 80]);
    const vcdView = await suite.stack.vcd
      .withTenant(undefined)
      .get<{ values: Array<{ name: string; healthStatus?: string }> }>(
        `/cloudapi/1.0.0/loadBalancer/virtualServices/${encodeURIComponent(Object.keys(state.slices.loadBalancer.virtualServices).find((key) => state.slices.loadBalancer.virtualServices[key]!.name.endsWith('-http'))!)}`,
      );
    assert.equal((vcdView.body as unknown as { healthStatus: string }).healthStatus, 'UP');
  });

  it('deletes the cluster and leaves the world as it was before the create', async () => {
    const response = await suite.acme.user.delete(`/api/cse/v1/clusters/${id}`, {
      accept: 'application/json',
    });
    assert.equal(response.status, 202, response.text);
    await waitForPhase(suite.stack, id, ['Gone']);
    assert.deepEqual(infrastructure(await suite.stack.admin.state()), before0);
  });
});
