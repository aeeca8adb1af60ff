import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSimulator, type RunningSimulator } from '../../sim/server.ts';
import { runCse } from '../helpers/processes.ts';
import { VcdClient } from '../helpers/vcd.ts';

describe('simulator basics', () => {
  let sim: RunningSimulator;
  before(async () => {
    sim = await startSimulator({ host: '127.0.0.1', port: 0, speed: 100, seed: 1, admin: false });
  });
  after(() => sim.close());

  it('lists supported API versions without authentication', async () => {
    const response = await fetch(`${sim.url}/api/versions`, { headers: { accept: 'application/json' } });
    assert.equal(response.status, 200);
    const body = (await response.json()) as { versionInfo: { version: string; deprecated: boolean }[] };
    assert.ok(body.versionInfo.some((info) => info.version === '37.2'));
  });

  it('answers an unknown path with a VCD error body', async () => {
    const client = await VcdClient.provider(sim.url);
    const response = await client.get<{ minorErrorCode: string; message: string }>(
      '/cloudapi/1.0.0/nothing-here',
    );
    assert.equal(response.status, 404);
    assert.equal(response.body.minorErrorCode, 'RESOURCE_NOT_FOUND');
    assert.match(response.body.message, /nothing-here/);
  });

  it('asks for credentials before revealing whether a cloudapi path exists', async () => {
    const response = await fetch(`${sim.url}/cloudapi/1.0.0/nothing-here`);
    assert.equal(response.status, 401);
    const body = (await response.json()) as { minorErrorCode: string };
    assert.equal(body.minorErrorCode, 'UNAUTHORIZED');
  });

  it('`cse sim` refuses a taken port with one clear line', async () => {
    const port = new URL(sim.url).port;
    const result = await runCse(['sim', '--port', port]);
    assert.equal(result.code, 1);
    assert.equal(
      result.stderr.trim(),
      `cse: simulator: port ${port} is already in use; stop the program using it or start the simulator with --port`,
    );
  });

  it('`cse sim` rejects a malformed flag value', async () => {
    const result = await runCse(['sim', '--speed', 'fast']);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /expected a positive number, got "fast"/);
  });
});
