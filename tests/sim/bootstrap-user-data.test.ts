/**
 * Where the emulated guest finds its cloud-init: only where cloud-init reads it. ExtraConfig
 * `guestinfo.userdata` (+ `.encoding`) for the VMware data source, or the OVF property `user-data`
 * for the OVF data source (cloud-init `DataSourceVMware.py`, `DataSourceOVF.py`). User data
 * anywhere else (a `guestinfo.userdata` OVF property) boots a VM whose bootstrap never starts.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { SimAdmin } from '../helpers/vcd.ts';
import {
  bootstrapCloudInit,
  bootstrapVm,
  bootstrapWorldHooks,
  type UserdataPlacement,
} from './bootstrap-fixtures.ts';
import { createVApp, eventually, powerOn, setExtraConfig, type VmBody } from './support/infra.ts';

interface BootstrapsView {
  bootstraps: { vmId: string; clusterId: string }[];
  customizationFailures: { vmId: string; message: string }[];
}

describe('the bootstrap VM reads its user data only where cloud-init does', () => {
  const world = bootstrapWorldHooks();
  let counter = 0;

  /** A cloud-init shaped like the worker's, for a fresh cluster id the endpoint accepts reports of. */
  const cloudInit = () => {
    const clusterId = `urn:vcloud:entity:cseoss:k8scluster:${randomUUID()}`;
    const secret = `secret-${randomUUID()}`;
    world.endpoint.expectedSecrets.set(clusterId, secret);
    const userdata = bootstrapCloudInit({
      clusterId,
      clusterName: `ud-${++counter}`,
      vcdUrl: world.sim.url,
      org: 'acme',
      apiToken: world.apiToken,
      secret,
      capiYaml: 'kind: Namespace\n',
    });
    return { clusterId, userdata };
  };

  const bootstraps = async () =>
    (await (await fetch(`${world.sim.url}/sim/bootstraps`)).json()) as BootstrapsView;

  /** Waits until the guest finished booting (its cloud-init, if any, has been read by then). */
  const booted = async (vmHref: string) => {
    await eventually(async () => {
      const status = await world.author.get<{ guestCustStatus: string }>(
        `${vmHref}/guestcustomizationstatus`,
      );
      return status.body.guestCustStatus === 'GC_COMPLETE';
    });
    return (await world.author.get<VmBody>(vmHref)).body;
  };

  const reportsVmStarted = async (clusterId: string) =>
    eventually(
      async () => world.endpoint.of(clusterId).some((report) => report.phase === 'vm-started'),
      20_000,
    );

  const neverStarts = async (vmHref: string, clusterId: string) => {
    const vm = await booted(vmHref);
    const view = await bootstraps();
    assert.equal(view.bootstraps.filter((record) => record.vmId === vm.id).length, 0, 'no bootstrap ran');
    assert.equal(view.customizationFailures.filter((failure) => failure.vmId === vm.id).length, 0);
    assert.deepEqual(world.endpoint.of(clusterId), []);
  };

  const boot = async (placement: UserdataPlacement) => {
    const { clusterId, userdata } = cloudInit();
    const { vApp } = await bootstrapVm(
      world.author,
      world.fixture,
      `ud-vm-${++counter}`,
      userdata,
      placement,
    );
    return { clusterId, vmHref: vApp.children.vm[0]!.href };
  };

  it('user data only in a guestinfo.userdata OVF property: the VM boots, cloud-init never runs', async () => {
    const { clusterId, vmHref } = await boot('guestinfoProperty');
    await neverStarts(vmHref, clusterId);
  });

  it('the same user data in ExtraConfig guestinfo.userdata starts the bootstrap', async () => {
    const { clusterId } = await boot('extraConfig');
    assert.ok(await reportsVmStarted(clusterId));
  });

  it('the OVF property user-data (base64) starts the bootstrap', async () => {
    const { clusterId } = await boot('ovfUserData');
    assert.ok(await reportsVmStarted(clusterId));
  });

  it('ExtraConfig wins over the OVF property (VMware comes first in cloud-init datasource_list)', async () => {
    const first = cloudInit();
    const second = cloudInit();
    const { vApp, href } = await createVApp(world.author, world.fixture, {
      name: `ud-both-${++counter}`,
      properties: { 'user-data': Buffer.from(second.userdata).toString('base64') },
    });
    await setExtraConfig(world.author, vApp.children.vm[0]!.href, {
      'guestinfo.userdata': Buffer.from(first.userdata).toString('base64'),
      'guestinfo.userdata.encoding': 'base64',
    });
    await powerOn(world.author, href);
    assert.ok(await reportsVmStarted(first.clusterId));
    assert.deepEqual(world.endpoint.of(second.clusterId), []);
  });

  /** Boots a VM whose ExtraConfig carries the user data encoded as `encoding` says. */
  const bootEncoded = async (value: (userdata: string) => string, encoding: string) => {
    const { clusterId, userdata } = cloudInit();
    const { vApp, href } = await createVApp(world.author, world.fixture, { name: `ud-enc-${++counter}` });
    const vmHref = vApp.children.vm[0]!.href;
    const task = await setExtraConfig(world.author, vmHref, {
      'guestinfo.userdata': value(userdata),
      'guestinfo.userdata.encoding': encoding,
    });
    assert.equal(task.status, 'success', JSON.stringify(task.error));
    await powerOn(world.author, href);
    return { clusterId, vmHref };
  };

  it('encodings cloud-init accepts: base64, b64, gzip+base64, gz+b64', async () => {
    const base64 = (text: string) => Buffer.from(text).toString('base64');
    const gzipped = (text: string) => gzipSync(Buffer.from(text)).toString('base64');
    const started = await Promise.all([
      bootEncoded(base64, 'base64'),
      bootEncoded(base64, 'b64'),
      bootEncoded(gzipped, 'gzip+base64'),
      bootEncoded(gzipped, 'gz+b64'),
    ]);
    for (const { clusterId } of started) assert.ok(await reportsVmStarted(clusterId));
  });

  it('any other encoding is taken as plain text, which is not #cloud-config: customisation fails', async () => {
    const gzipped = (text: string) => gzipSync(Buffer.from(text)).toString('base64');
    for (const encoding of ['gzip+b64', 'BASE64']) {
      const { clusterId, vmHref } = await bootEncoded(
        encoding === 'BASE64' ? (text) => Buffer.from(text).toString('base64') : gzipped,
        encoding,
      );
      const vm = await booted(vmHref);
      const failure = (await bootstraps()).customizationFailures.find((entry) => entry.vmId === vm.id);
      assert.match(failure?.message ?? '', /does not start with #cloud-config/, encoding);
      assert.deepEqual(world.endpoint.of(clusterId), []);
    }
  });

  it('a guest that cannot read guestinfo (guestinfoUnread fault) never starts from ExtraConfig', async () => {
    const admin = new SimAdmin(world.sim.url);
    await admin.setFaults([{ guestinfoUnread: true, remaining: 1 }]);
    try {
      const { clusterId, vmHref } = await boot('extraConfig');
      await neverStarts(vmHref, clusterId);
    } finally {
      await admin.clearFaults();
    }
  });
});
