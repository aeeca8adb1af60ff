/**
 * A bootstrap VM whose cloud-init a real guest could not use fails its guest customisation: the
 * failure shows in the VM's ExtraConfig, where the guest publishes it and CAPVCD reads it (VM API), and in
 * `/sim/state`, and nothing is reported.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bootstrapCloudInit, bootstrapVm, bootstrapWorldHooks } from './bootstrap-fixtures.ts';
import { eventually, extraConfigOf, type VmBody } from './support/infra.ts';

const statusKey = 'guestinfo.post_customization_script_execution_status';
const reasonKey = 'guestinfo.post_customization_script_execution_failure_reason';

describe('bootstrap cloud-init a guest cannot use fails guest customisation', () => {
  const world = bootstrapWorldHooks();
  let counter = 0;

  const guestinfo = async (vm: VmBody, key: string) => (await extraConfigOf(world.author, vm.href))[key];

  /** Boots a VM with this userdata and waits for the guest's customisation status. */
  const customizationOf = async (userdata: string) => {
    const { href } = await bootstrapVm(world.author, world.fixture, `bad-init-${++counter}`, userdata);
    return eventually(async () => {
      const vApp = await world.author.get<{ children: { vm: VmBody[] } }>(href);
      const vm = vApp.body.children.vm[0]!;
      const status = await guestinfo(vm, statusKey);
      return status !== undefined && { vm, status, reason: (await guestinfo(vm, reasonKey)) ?? '' };
    });
  };

  it('a shell script instead of #cloud-config', async () => {
    const result = await customizationOf('#!/bin/sh\necho hello\n');
    assert.equal(result.status, '1');
    assert.match(result.reason, /does not start with #cloud-config/);
  });

  it('#cloud-config that is not YAML', async () => {
    const result = await customizationOf(
      '#cloud-config\nwrite_files: [\n  - path: /etc/x\n    content: "unterminated\n',
    );
    assert.match(result.reason, /not valid YAML/);
  });

  it('#cloud-config without the bootstrap files', async () => {
    const result = await customizationOf('#cloud-config\nruncmd:\n  - [echo, hello]\n');
    assert.match(result.reason, /no write_files/);
    const other = await customizationOf(
      '#cloud-config\nwrite_files:\n  - path: /etc/motd\n    content: hello\n',
    );
    assert.match(other.reason, /no bootstrap settings \(\/etc\/cse\/bootstrap\.json\)/);
  });

  it('settings that are not the documented JSON, or a missing API token file', async () => {
    const good = bootstrapCloudInit({
      clusterId: 'urn:vcloud:entity:cseoss:k8scluster:00000000-0000-4000-8000-000000000001',
      clusterName: 'broken',
      vcdUrl: world.sim.url,
      org: 'acme',
      apiToken: 'token',
      secret: 'secret',
      capiYaml: 'kind: Namespace\n',
    });
    const notJson = good.replace(
      /(path: \/etc\/cse\/bootstrap\.json\n(?:.*\n)*?\s+content: )\S+/,
      `$1${Buffer.from('{ not json').toString('base64')}`,
    );
    assert.match((await customizationOf(notJson)).reason, /bootstrap\.json is not valid JSON/);
    const noToken = good.replace(
      /(path: \/etc\/cse\/vcd-api-token\n(?:.*\n)*?\s+content: )\S+/,
      `$1${Buffer.from('').toString('base64')}`,
    );
    assert.match((await customizationOf(noToken)).reason, /no VCD API token \(\/etc\/cse\/vcd-api-token\)/);
  });

  it('nothing was reported, and /sim/state lists the failures', async () => {
    assert.deepEqual(world.endpoint.reports, []);
    const state = (await (await fetch(`${world.sim.url}/sim/state`)).json()) as {
      slices: {
        bootstraps: {
          bootstraps: Record<string, unknown>;
          customizationFailures: Record<string, { message: string }>;
        };
      };
    };
    assert.deepEqual(state.slices.bootstraps.bootstraps, {});
    assert.equal(Object.keys(state.slices.bootstraps.customizationFailures).length, counter);
  });

  it('a VM without userdata is left alone', async () => {
    const { href } = await bootstrapVm(world.author, world.fixture, 'no-userdata', '');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const vApp = await world.author.get<{ children: { vm: VmBody[] } }>(href);
    assert.equal(
      (
        await world.author.get<{ guestCustStatus: string }>(
          `${vApp.body.children.vm[0]!.href}/guestcustomizationstatus`,
        )
      ).body.guestCustStatus,
      'GC_COMPLETE',
    );
    assert.equal(await guestinfo(vApp.body.children.vm[0]!, statusKey), undefined);
  });
});
