import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { runCse, spawnCse, waitForExit, waitForUrl } from '../helpers/processes.ts';

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

describe('cse worker process', () => {
  it('serves /healthz, /readyz and /metrics, logs JSON, and stops cleanly on SIGTERM', async (t) => {
    const port = await freePort();
    const worker = spawnCse(['worker', '--port', String(port)], { CSE_VCD_API_TOKEN: 'super-secret-token' });
    // A failed assertion must not leave the worker running (it would keep this test file alive).
    t.after(() => {
      if (worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL');
    });
    await waitForUrl(`http://127.0.0.1:${port}/readyz`, worker.output);

    const health = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as { status: string };
    assert.equal(health.status, 'ok');
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    assert.match(metrics, /cse_process_cpu_user_seconds_total/);

    const exited = waitForExit(worker);
    worker.kill('SIGTERM');
    const result = await exited;
    assert.equal(result.code, 0);
    const logLines = worker
      .output()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { msg: string });
    assert.deepEqual(
      logLines.map((line) => line.msg),
      ['worker started', 'worker stopping', 'worker stopped'],
      worker.output(),
    );
    assert.doesNotMatch(worker.output(), /super-secret-token/);
  });

  it('exits 2 with one line naming the key on a bad configuration value', async () => {
    const result = await runCse(['worker'], { CSE_HTTP_PORT: 'seventy' });
    assert.equal(result.code, 2);
    assert.equal(
      result.stderr.trim(),
      'cse: invalid configuration: http.port (env CSE_HTTP_PORT) must be a port number, got "seventy"',
    );
  });

  it('exits 1 with one clear line when its port is taken', async () => {
    const port = await freePort();
    const blocker = createServer().listen(port, '127.0.0.1');
    try {
      const result = await runCse(['worker', '--port', String(port)]);
      assert.equal(result.code, 1);
      assert.match(
        result.stderr,
        new RegExp(`^cse: worker health server: port ${port} on 127\\.0\\.0\\.1 is already in use`),
      );
      assert.doesNotMatch(result.stderr, /at .*\.ts:\d+/);
    } finally {
      blocker.close();
    }
  });

  it('prints its version', async () => {
    const result = await runCse(['--version']);
    assert.equal(result.code, 0);
    assert.match(result.stdout.trim(), /^\d+\.\d+\.\d+$/);
  });
});
