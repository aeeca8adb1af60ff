/**
 * kubeadm on the emulated control-plane machine pulls its images from the simulated TKG registry, which holds only
 * the tags of the seeded TKG OVAs: a KubeadmControlPlane that asks for an etcd tag the registry lacks, or that leaves
 * the tags out (kubeadm's upstream defaults), leaves the machine failing with kubeadm's image-pull error, and the
 * bootstrap fails at the phase that waits for the control plane, with that reason.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bootstrapWorldHooks, runBootstrap, type Report } from './bootstrap-fixtures.ts';

describe('kubeadm pulls only the image tags the TKG registry has', () => {
  /** The tenant network behind the edge gateway with uplink addresses for the control-plane VIPs. */
  const network = 'acme-k8s-net-uplink';
  const world = bootstrapWorldHooks({ kubernetes: 'v1.28.11' });
  let vips = 15;

  /** Runs a bootstrap of a one-node cluster with these image tags; answers its reports once it ended. */
  const bootstrapWith = async (
    clusterName: string,
    kubeadmImageTags: { etcd: string; coreDns: string } | null,
  ): Promise<Report[]> => {
    const vip = `198.51.100.${vips++}`;
    const run = { clusterName, network, vip, loadBalancer: true, cluster: { kubeadmImageTags } };
    return (await runBootstrap(world, run)).reports;
  };

  it('an etcd tag the registry lacks fails control-plane-ready with the image pull error', async () => {
    const reports = await bootstrapWith('wrong-etcd', {
      etcd: 'v3.5.99_vmware.1',
      coreDns: 'v1.10.1_vmware.21',
    });
    const last = reports.at(-1)!;
    assert.equal(last.phase, 'control-plane-ready');
    assert.equal(last.status, 'failed');
    assert.match(
      last.message,
      /\[ERROR ImagePull\]: failed to pull image projects\.registry\.vmware\.com\/tkg\/etcd:v3\.5\.99_vmware\.1/,
    );
    assert.match(last.message, /not found/);
    assert.doesNotMatch(last.message, /coredns/, 'the CoreDNS tag is in the registry');
  });

  it('without tags kubeadm asks for its upstream defaults, which a TKG registry does not carry', async () => {
    const reports = await bootstrapWith('no-tags', null);
    const last = reports.at(-1)!;
    assert.equal(last.phase, 'control-plane-ready');
    assert.equal(last.status, 'failed');
    assert.match(last.message, /failed to pull image projects\.registry\.vmware\.com\/tkg\/etcd:3\.5\.9-0/);
    assert.match(
      last.message,
      /failed to pull image projects\.registry\.vmware\.com\/tkg\/coredns:v1\.10\.1:/,
    );
  });

  it("the tags of the template's TKG release pass, and the cluster comes up", async () => {
    const reports = await bootstrapWith('right-tags', {
      etcd: 'v3.5.12_vmware.5',
      coreDns: 'v1.10.1_vmware.21',
    });
    assert.equal(reports.at(-1)!.phase, 'done');
    assert.ok(
      reports.every((report) => report.status === 'succeeded'),
      JSON.stringify(reports),
    );
  });
});
