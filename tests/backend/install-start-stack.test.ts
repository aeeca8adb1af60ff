import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { spawnCse, waitForExit } from '../helpers/processes.ts';
import { VcdClient as TestClient } from '../helpers/vcd.ts';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

describe('cse start (what npm start runs)', () => {
  it('installs into the simulator and serves /api/cse/v1/about through it over the embedded MQTT bus', async () => {
    const [port, workerPort] = [await freePort(), await freePort()];
    const stack = spawnCse([
      'start',
      '--port',
      String(port),
      '--worker-port',
      String(workerPort),
      '--speed',
      '100',
      '--no-build',
    ]);
    try {
      const deadline = Date.now() + 90_000;
      while (!stack.output().includes('CSE is running.')) {
        if (stack.exitCode !== null) assert.fail(`cse start exited: ${stack.output()}`);
        if (Date.now() > deadline) assert.fail(`cse start did not come up: ${stack.output()}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const output = stack.output();
      assert.match(output, new RegExp(`Tenant portal: +http://127\\.0\\.0\\.1:${port}/tenant/acme`));
      assert.match(output, /acme-author@acme +VMware1!/);

      const author = await TestClient.login(`http://127.0.0.1:${port}`, 'acme-author', 'acme');
      // At --speed 100 the simulator waits 2 s for the worker's reply; on a busy machine the first replies can take
      // longer, and a 504 then is the simulator giving up, not the worker failing: ask again, within a minute.
      const aboutDeadline = Date.now() + 60_000;
      let about = await author.get<Record<string, unknown>>('/api/cse/v1/about', {
        accept: 'application/json',
      });
      while (about.status === 504 && Date.now() < aboutDeadline) {
        about = await author.get<Record<string, unknown>>('/api/cse/v1/about', {
          accept: 'application/json',
        });
      }
      assert.equal(about.status, 200, about.text);
      assert.deepEqual(about.body['transports'], ['mqtt']);
      const plugins = await author.get<{ pluginName: string }[]>('/cloudapi/extensions/ui');
      if (output.includes('UI plugin') || plugins.body.length > 0) {
        assert.ok(plugins.body.some((plugin) => plugin.pluginName === 'Kubernetes Clusters'));
      }
    } finally {
      const exited = waitForExit(stack, 20_000);
      stack.kill('SIGTERM');
      const result = await exited;
      assert.equal(result.signal ?? result.code, 0, stack.output());
    }
  });
});
