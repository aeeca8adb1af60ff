import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createContext } from '../../sim/context.ts';
import { vmRuntime, type BootedVm } from '../../sim/infra/vms.ts';
import { seedWorld } from '../../sim/world/seed.ts';
import { WorldStore } from '../../sim/world/store.ts';
import { vAppsSlice, type Vm } from '../../sim/world/vapps.ts';

/** The in-process hook other simulator areas (the emulated bootstrap) subscribe to. */
describe('VM runtime: booted-VM hook', () => {
  const setup = () => {
    const store = new WorldStore(seedWorld(3));
    const { ctx } = createContext({ host: '127.0.0.1', port: 0, speed: 1000, seed: 3, admin: false }, store);
    const vm: Vm = {
      id: 'urn:vcloud:vm:00000000-0000-4000-8000-000000000001',
      name: 'hooked',
      description: '',
      vAppId: 'urn:vcloud:vapp:00000000-0000-4000-8000-000000000002',
      orgId: 'urn:vcloud:org:x',
      vdcId: 'urn:vcloud:vdc:x',
      templateId: '',
      templateVmId: '',
      status: 8,
      deployed: false,
      computerName: 'hooked',
      osType: 'ubuntu64Guest',
      cpuCount: 2,
      coresPerSocket: 1,
      memoryMb: 4096,
      diskSizeMb: 20480,
      sizingPolicyId: null,
      storageProfileId: null,
      networkConnections: [
        {
          networkId: 'n',
          networkName: 'n',
          networkConnectionIndex: 0,
          ipAddressAllocationMode: 'POOL',
          ipAddress: '10.0.0.5',
          macAddress: '00:50:56:00:00:01',
          isConnected: true,
        },
      ],
      productSections: [
        {
          info: '',
          product: '',
          vendor: '',
          version: '',
          fullVersion: '',
          properties: [
            {
              key: 'user-data',
              label: '',
              type: 'string',
              defaultValue: '',
              value: 'I2Nsb3VkLWNvbmZpZw==',
              userConfigurable: true,
              description: '',
            },
          ],
        },
      ],
      extraConfig: [
        { key: 'guestinfo.userdata', value: 'I2Nsb3VkLWNvbmZpZw==', required: false },
        { key: 'guestinfo.userdata.encoding', value: 'base64', required: false },
      ],
      guestCustomizationEnabled: true,
      guestState: 'off',
      bootedAt: null,
      dateCreated: '',
    };
    vAppsSlice.of(store.world).vms[vm.id] = vm;
    return { ctx, vm };
  };

  it('calls subscribers once the guest has booted, with its guest properties, ExtraConfig and IPs', async () => {
    const { ctx, vm } = setup();
    const runtime = vmRuntime(ctx);
    assert.equal(vmRuntime(ctx), runtime, 'one runtime per simulator');
    const booted = new Promise<BootedVm>((resolve) => runtime.onBooted(resolve));
    await runtime.powerOn(vm);
    assert.equal(vm.status, 4);
    assert.equal(runtime.isReachable('10.0.0.5'), false, 'not reachable before the guest is up');
    const event = await booted;
    assert.equal(event.vmId, vm.id);
    assert.deepEqual(event.ipAddresses, ['10.0.0.5']);
    assert.equal(event.guestProperties['user-data'], 'I2Nsb3VkLWNvbmZpZw==');
    assert.deepEqual(event.extraConfig, {
      'guestinfo.userdata': 'I2Nsb3VkLWNvbmZpZw==',
      'guestinfo.userdata.encoding': 'base64',
    });
    assert.equal(runtime.isReachable('10.0.0.5'), true);
    runtime.powerOff(vm, true);
    assert.equal(runtime.isReachable('10.0.0.5'), false);
    assert.equal(vm.deployed, false);
  });

  it('never calls subscribers for a VM that never boots', async () => {
    const { ctx, vm } = setup();
    ctx.faults.set([{ vmNeverBoots: true }]);
    const runtime = vmRuntime(ctx);
    let calls = 0;
    const unsubscribe = runtime.onBooted(() => calls++);
    await runtime.powerOn(vm);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(vm.guestState, 'hung');
    assert.equal(calls, 0);
    unsubscribe();
  });
});
