/**
 * The nodes a bootstrap waits for need their add-ons: a kubeadm node stays NotReady (kubelet's
 * NetworkPluginNotReady) until a CNI agent runs on it; with kubelet `cloud-provider: external` it keeps the
 * `node.cloudprovider.kubernetes.io/uninitialized` taint and has no providerID until the CPI initialised it. The
 * emulated bootstrap applies the add-ons of its settings in `addons-applied` (downloaded and checked by sha256)
 * and its `nodes-ready` wait fails, naming what is missing, while they are not there.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  addonSettings,
  bootstrapWorldHooks,
  kubeGet,
  runBootstrap,
  type Report,
} from './bootstrap-fixtures.ts';

interface NodeView {
  metadata: { name: string };
  spec: { providerID?: string; taints?: Array<{ key: string; effect: string }> };
  status: { conditions: Array<{ type: string; status: string; reason: string; message: string }> };
}

const NETWORK = 'acme-k8s-net-uplink';
const UNINITIALIZED = 'node.cloudprovider.kubernetes.io/uninitialized';

describe('bootstrap: nodes wait for the CNI and the CPI', () => {
  const world = bootstrapWorldHooks({ kubernetes: 'v1.28' });
  let vip = 20;

  /** Runs a whole bootstrap; answers its reports once the VM ended (nothing in flight). */
  const bootstrap = async (
    clusterName: string,
    options: { addons: Array<'antrea' | 'cpi' | 'csi'>; settings?: Record<string, unknown> },
  ): Promise<Report[]> => {
    const { reports } = await runBootstrap(world, {
      clusterName,
      network: NETWORK,
      vip: `198.51.100.${vip++}`,
      loadBalancer: true,
      cluster: { externalCloudProvider: true },
      cloudInit: { addons: options.addons, settings: options.settings },
    });
    return reports;
  };
  const nodesOf = async (reports: Report[]) => {
    const kubeconfig = reports.find((report) => report.phase === 'kubeconfig-ready')!.kubeconfig!;
    return (await kubeGet<{ items: NodeView[] }>(kubeconfig, '/api/v1/nodes')).body.items;
  };
  const readyOf = (node: NodeView) => node.status.conditions.find((condition) => condition.type === 'Ready')!;

  it('without a CNI the nodes stay NotReady (NetworkPluginNotReady) and nodes-ready fails saying so', async () => {
    const reports = await bootstrap('no-cni', { addons: [] });
    const last = reports.at(-1)!;
    assert.equal(`${last.phase}:${last.status}`, 'nodes-ready:failed', last.message);
    assert.match(last.message, /timed out waiting for the condition/);
    assert.match(
      last.message,
      /NotReady \(KubeletNotReady: container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady/,
    );
    const nodes = await nodesOf(reports);
    assert.equal(nodes.length, 2);
    for (const node of nodes) {
      assert.equal(readyOf(node).status, 'False');
      assert.match(readyOf(node).message, /cni plugin not initialized/);
    }
  });

  it('with Antrea but no CPI the nodes are Ready, keep the uninitialized taint and have no providerID', async () => {
    const reports = await bootstrap('no-cpi', { addons: ['antrea'] });
    const last = reports.at(-1)!;
    assert.equal(`${last.phase}:${last.status}`, 'nodes-ready:failed', last.message);
    assert.match(
      last.message,
      new RegExp(`no providerID and keeps the taint ${UNINITIALIZED.replace(/\./g, '\\.')}`),
    );
    for (const node of await nodesOf(reports)) {
      assert.equal(readyOf(node).status, 'True', node.metadata.name);
      assert.ok(
        node.spec.taints?.some((taint) => taint.key === UNINITIALIZED && taint.effect === 'NoSchedule'),
      );
      assert.equal(node.spec.providerID, undefined);
    }
  });

  it('with Antrea, the CPI and the CSI driver the bootstrap succeeds and the CPI initialised every node', async () => {
    const reports = await bootstrap('all-addons', { addons: ['antrea', 'cpi', 'csi'] });
    assert.deepEqual(reports.map((report) => `${report.phase}:${report.status}`).slice(-4), [
      'addons-applied:succeeded',
      'nodes-ready:succeeded',
      'pivoted:succeeded',
      'done:succeeded',
    ]);
    const nodes = await nodesOf(reports);
    assert.equal(nodes.length, 2);
    for (const node of nodes) {
      assert.equal(readyOf(node).status, 'True');
      assert.match(node.spec.providerID ?? '', /^vmware-cloud-director:\/\/[0-9a-f-]{36}$/);
      assert.ok(!(node.spec.taints ?? []).some((taint) => taint.key === UNINITIALIZED));
    }
  });

  it('a manifest whose sha256 is not the configured one is refused in addons-applied', async () => {
    const [antrea] = addonSettings(world.sim.url, ['antrea']);
    const reports = await bootstrap('bad-sha', {
      addons: [],
      settings: { addons: [{ ...antrea!, sha256: '0'.repeat(64) }] },
    });
    const last = reports.at(-1)!;
    assert.equal(`${last.phase}:${last.status}`, 'addons-applied:failed');
    assert.match(
      last.message,
      /^the antrea manifest from .* has sha256 [0-9a-f]{64}, not the configured 0{64}; refusing to apply it$/,
    );
  });
});
