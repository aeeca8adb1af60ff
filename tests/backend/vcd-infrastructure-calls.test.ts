/**
 * The worker's infrastructure calls (`backend/vcd/{networks,gateways,alb,ipSpaces}.ts`) against
 * the simulator, with the filters and paths real VCD documents: a call the simulator refuses is a
 * call a real VCD would not understand either.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { VcdClient as WorkerClient } from '../../backend/vcd/client.ts';
import { vdcNetworks } from '../../backend/vcd/networks.ts';
import type { RunningSimulator } from '../../sim/server.ts';
import { startTestSimulator, VcdClient } from '../helpers/vcd.ts';

describe('worker infrastructure calls against the simulator', () => {
  let sim: RunningSimulator;
  let author: VcdClient;
  let worker: WorkerClient;

  before(async () => {
    sim = await startTestSimulator();
    author = await VcdClient.login(sim.url, 'acme-author', 'acme');
    worker = new WorkerClient({ url: sim.url, accessToken: author.token, retryBaseMs: 10 });
  });
  after(() => sim.close());

  it("lists a VDC's networks with the ownerRef.id filter", async () => {
    const vdcs = await author.getAll<{ id: string; name: string }>('/cloudapi/1.0.0/vdcs');
    const vdc = vdcs.find((candidate) => candidate.name === 'acme-vdc')!;
    const networks = await vdcNetworks(worker, vdc.id);
    assert.deepEqual(networks.map((network) => network.name).sort(), [
      'acme-k8s-net',
      'acme-k8s-net-uplink',
      'acme-plain-net',
    ]);
    assert.ok(networks.every((network) => network.orgVdc?.id === vdc.id));
  });
});
