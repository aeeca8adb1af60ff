/**
 * The worker's infrastructure calls (`backend/vcd/{networks,gateways,alb,ipSpaces}.ts`) against
 * the simulator, with the filters and paths real VCD documents: a call the simulator refuses is a
 * call a real VCD would not understand either.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { VcdClient as WorkerClient } from '../../backend/vcd/client.ts';
import { VcdTaskError } from '../../backend/vcd/errors.ts';
import { vdcNetworks } from '../../backend/vcd/networks.ts';
import { waitForTask } from '../../backend/vcd/tasks.ts';
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

  it('stops waiting for a task that ends canceled, and waits through postRunning', async () => {
    // The simulator never cancels a task this way, so a one-route server plays VCD's task here.
    const statuses = ['running', 'postRunning', 'canceled'];
    let polls = 0;
    const server = createServer((_req, res) => {
      const status = statuses[Math.min(polls++, statuses.length - 1)];
      res.setHeader('content-type', 'application/vnd.vmware.vcloud.task+json');
      res.end(JSON.stringify({ id: 'urn:vcloud:task:1', status, operationName: 'vappDeploy' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const client = new WorkerClient({ url, accessToken: 'bearer', apiVersion: '37.2', retries: 0 });
      const error = await waitForTask(client, `${url}/api/task/1`, {
        initialPollMs: 1,
        timeoutMs: 60_000,
      }).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      assert.ok(error instanceof VcdTaskError, String(error));
      assert.equal(error.taskStatus, 'canceled');
      assert.equal(error.minorErrorCode, 'TASK_CANCELED');
      assert.equal(polls, 3);
    } finally {
      server.close();
    }
  });
});
