import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCse } from '../helpers/processes.ts';
import { SimAdmin, startTestSimulator, VcdClient } from '../helpers/vcd.ts';

describe('state file', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sim-state-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('round-trips the world: changes survive a restart, sessions too', async () => {
    const file = join(dir, 'world.json');
    const first = await startTestSimulator({ stateFile: file, seed: 3 });
    const admin = await VcdClient.login(first.url, 'acme-admin', 'acme');
    const created = await admin.post<{ id: string }>('/cloudapi/1.0.0/roles', { name: 'Survivor' });
    assert.equal(created.status, 201);
    const before = await new SimAdmin(first.url).state<{ meta: { idCounter: number } }>();
    await first.close();

    const saved = JSON.parse(await readFile(file, 'utf8')) as { roles: Record<string, { name: string }> };
    assert.equal(saved.roles[created.body.id]?.name, 'Survivor');
    assert.deepEqual(
      (await readdir(dir)).filter((name) => name.endsWith('.tmp')),
      [],
      'no temp files left behind',
    );

    // Another seed: the file wins over the seed when it exists.
    const second = await startTestSimulator({ stateFile: file, seed: 99 });
    try {
      const again = new VcdClient(second.url, admin.token);
      const role = await again.get<{ name: string }>(`/cloudapi/1.0.0/roles/${created.body.id}`);
      assert.equal(role.status, 200, 'the old bearer still works after the restart');
      assert.equal(role.body.name, 'Survivor');
      const next = await again.post<{ id: string }>('/cloudapi/1.0.0/roles', { name: 'Newcomer' });
      assert.notEqual(next.body.id, created.body.id);
      const state = await new SimAdmin(second.url).state<{ meta: { idCounter: number; seed: number } }>();
      assert.equal(state.meta.seed, 3);
      assert.ok(state.meta.idCounter > before.meta.idCounter, 'ids keep counting from the saved counter');
    } finally {
      await second.close();
    }
  });

  it('writes the file shortly after a change, while running', async () => {
    const file = join(dir, 'live.json');
    const sim = await startTestSimulator({ stateFile: file });
    try {
      const admin = await VcdClient.login(sim.url, 'globex-admin', 'globex');
      const created = await admin.post<{ id: string }>('/cloudapi/1.0.0/roles', { name: 'Saved Soon' });
      const deadline = Date.now() + 3000;
      let found = false;
      while (!found && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        try {
          found = created.body.id in (JSON.parse(await readFile(file, 'utf8')) as { roles: object }).roles;
        } catch {
          // not written yet
        }
      }
      assert.ok(found, 'the role reached the state file within 3 s');
    } finally {
      await sim.close();
    }
  });

  it('refuses to start from a file that is not a simulator state', async () => {
    const file = join(dir, 'broken.json');
    await writeFile(file, '{"hello": "world"}');
    await assert.rejects(startTestSimulator({ stateFile: file }), /not a simulator state file/);
    await writeFile(file, '{not json');
    await assert.rejects(startTestSimulator({ stateFile: file }), /not valid JSON/);
    const result = await runCse(['sim', '--port', '0', '--state', file]);
    assert.equal(result.code, 1);
    assert.match(result.stderr.trim(), /^cse: simulator: state file .*broken\.json is not valid JSON/);
  });
});
