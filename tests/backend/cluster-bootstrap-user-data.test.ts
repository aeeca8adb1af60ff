/**
 * The worker puts the bootstrap VM's cloud-init where cloud-init's VMware data source reads it: ExtraConfig
 * `guestinfo.userdata` (+ `.encoding` = `base64`), set while the VM is powered off. A guest that cannot read it (the
 * simulator's `guestinfoUnread` fault: a template whose cloud-init has no VMware data source) boots, never reports
 * `vm-started`, and the cluster fails at that phase's deadline with a message naming the phase. Short phase
 * timeouts come from the settings (`phaseTimeoutScale`), not from sleeping.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  clusterRequest,
  createCluster,
  readCluster,
  tenantStackHooks,
  waitForPhase,
} from './cluster-fixtures.ts';

interface SimVm {
  vAppId: string;
  status: number;
  extraConfig?: { key: string; value: string }[];
  productSections: { properties: { key: string }[] }[];
}

describe('the bootstrap VM gets its cloud-init through ExtraConfig', () => {
  // vm-started: 600 s × 0.01 = 6 s of real time after power-on for the worker (the emulated guest, which
  // applies the same limits in simulated time, still has room for its own 5 simulated seconds).
  const suite = tenantStackHooks({ speed: 1000, phaseTimeoutScale: 0.01 });

  /** The simulator's VM of the cluster's recorded bootstrap vApp, once the worker powered it on. */
  const bootstrapVmOf = async (id: string): Promise<SimVm> => {
    for (const deadline = Date.now() + 30_000; Date.now() < deadline;) {
      const cluster = await readCluster(suite.stack, id);
      const vApp = cluster?.status.resources?.find(
        (resource) => resource.purpose === 'bootstrap-vm' && resource.id.startsWith('urn:vcloud:vapp:'),
      );
      if (vApp) {
        const state = (await suite.stack.admin.state()) as unknown as {
          slices: { vApps: { vms: Record<string, SimVm> } };
        };
        const vm = Object.values(state.slices.vApps.vms).find((candidate) => candidate.vAppId === vApp.id);
        if (vm?.status === 4) return vm;
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`cluster ${id}: no powered-on bootstrap VM`);
  };

  /** Deletes a cluster whose bootstrap is still running (`force=true`) and waits until it is gone. */
  const forceDelete = async (id: string) => {
    const removed = await suite.acme.user.delete(`/api/cse/v1/clusters/${id}?force=true`, {
      accept: 'application/json',
    });
    assert.equal(removed.status, 202, removed.text);
    await waitForPhase(suite.stack, id, ['Gone']);
  };

  it('sets guestinfo.userdata (base64 #cloud-config) and its encoding in ExtraConfig, not as an OVF property', async () => {
    const response = await createCluster(suite.acme, clusterRequest(suite.acme, 'ud-extra-config'));
    assert.equal(response.status, 202, response.text);
    const vm = await bootstrapVmOf(response.body.id);
    const extraConfig = new Map((vm.extraConfig ?? []).map((entry) => [entry.key, entry.value]));
    assert.equal(extraConfig.get('guestinfo.userdata.encoding'), 'base64');
    const userdata = Buffer.from(extraConfig.get('guestinfo.userdata') ?? '', 'base64').toString('utf8');
    assert.match(userdata, /^#cloud-config\n/);
    assert.ok(userdata.includes(response.body.id), 'the cloud-init of this cluster');
    const properties = vm.productSections.flatMap((section) => section.properties.map((p) => p.key));
    assert.ok(!properties.includes('guestinfo.userdata'), 'no guestinfo OVF property');
    // The guest read it: the bootstrap reports its first phase.
    for (const deadline = Date.now() + 30_000; ;) {
      const cluster = await readCluster(suite.stack, response.body.id);
      if (cluster?.status.bootstrap?.phase) break;
      assert.ok(Date.now() < deadline, `no bootstrap report: ${JSON.stringify(cluster?.status ?? null)}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await forceDelete(response.body.id);
  });

  it('a step that stopped after creating the vApp sets the user data before it powers the VM on', async () => {
    // The first pass creates the vApp powered off, then cannot write ExtraConfig (VCD busy beyond the client's
    // retries); a later pass finds the recorded vApp powered off and must set the user data before power-on.
    await suite.stack.admin.setFaults([
      {
        method: 'PUT',
        path: '/api/vApp/{vm}/virtualHardwareSection',
        error: { status: 503, minorErrorCode: 'SERVICE_UNAVAILABLE', message: 'busy on purpose' },
        remaining: 4,
      },
    ]);
    try {
      const response = await createCluster(suite.acme, clusterRequest(suite.acme, 'ud-resumed'));
      assert.equal(response.status, 202, response.text);
      for (const deadline = Date.now() + 30_000; ;) {
        const cluster = await readCluster(suite.stack, response.body.id);
        if (cluster?.status.bootstrap?.phase) {
          const retried = cluster.status.events?.find((event) => event.reason === 'Retrying');
          assert.match(retried?.message ?? '', /bootstrap-vm/);
          break;
        }
        assert.ok(cluster?.phase !== 'Failed', JSON.stringify(cluster?.status.events));
        assert.ok(Date.now() < deadline, `no bootstrap report: ${JSON.stringify(cluster?.status ?? null)}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      await forceDelete(response.body.id);
    } finally {
      await suite.stack.admin.clearFaults();
    }
  });

  it('a guest that never reads its user data never reports vm-started: the cluster fails naming the phase', async () => {
    await suite.stack.admin.setFaults([{ guestinfoUnread: true, remaining: 1 }]);
    try {
      const response = await createCluster(suite.acme, clusterRequest(suite.acme, 'ud-unread'));
      assert.equal(response.status, 202, response.text);
      const failed = (await waitForPhase(suite.stack, response.body.id, ['Failed', 'Ready']))!;
      assert.equal(failed.phase, 'Failed', JSON.stringify(failed.status.events));
      assert.equal(failed.status.bootstrap?.phase, undefined, 'nothing was reported');
      const timeout = failed.status.events?.find((event) => event.reason === 'BootstrapPhaseTimeout');
      assert.match(timeout?.message ?? '', /did not report phase vm-started within 6 s/);
      assert.match(failed.status.message ?? '', /vm-started/);
    } finally {
      await suite.stack.admin.clearFaults();
    }
  });
});
