import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningSimulator } from '../../sim/server.ts';
import { startTestSimulator, VcdClient, type VcdErrorBody } from '../helpers/vcd.ts';
import { cloudapi, createEntity, defineTestType, type EntityJson, type TestType } from './rde-fixtures.ts';

describe('RDE optimistic concurrency with ETag and If-Match', () => {
  let sim: RunningSimulator;
  let provider: VcdClient;
  let type: TestType;
  before(async () => {
    sim = await startTestSimulator();
    provider = await VcdClient.provider(sim.url);
    type = await defineTestType(provider, { nss: 'racer' });
  });
  after(() => sim.close());

  const fresh = async (name: string) => {
    const { id } = await createEntity(
      provider,
      type.typeId,
      { name, entity: { spec: { name } } },
      '?resolveEntity=true',
    );
    const read = await provider.get<EntityJson>(`${cloudapi}/entities/${id}`);
    return { id, body: read.body, etag: read.headers.get('etag')! };
  };

  it('answers 412 with VCD body for a stale If-Match and leaves the entity unchanged', async () => {
    const { id, body, etag } = await fresh('stale');
    const first = await provider.put(
      `${cloudapi}/entities/${id}`,
      { ...body, entity: { spec: { name: 'stale', size: 1 } } },
      {
        headers: { 'if-match': etag },
      },
    );
    assert.equal(first.status, 200);
    const stale = await provider.put<VcdErrorBody>(
      `${cloudapi}/entities/${id}`,
      { ...body, entity: { spec: { name: 'stale', size: 2 } } },
      {
        headers: { 'if-match': etag },
      },
    );
    assert.equal(stale.status, 412);
    assert.equal(stale.body.minorErrorCode, 'PRECONDITION_FAILED');
    const now = await provider.get<EntityJson>(`${cloudapi}/entities/${id}`);
    assert.deepEqual(now.body.entity, { spec: { name: 'stale', size: 1 } });
  });

  it('lets exactly one of two racing updates with the same ETag win', async () => {
    for (let round = 0; round < 5; round++) {
      const { id, body, etag } = await fresh(`race-${round}`);
      const results = await Promise.all(
        [1, 2].map((size) =>
          provider.put(
            `${cloudapi}/entities/${id}`,
            { ...body, entity: { spec: { name: body.name, size } } },
            {
              headers: { 'if-match': etag },
            },
          ),
        ),
      );
      const statuses = results.map((result) => result.status).sort();
      assert.deepEqual(statuses, [200, 412], `round ${round}`);
      const winner = results.find((result) => result.status === 200)!;
      const now = await provider.get<EntityJson>(`${cloudapi}/entities/${id}`);
      assert.equal(now.headers.get('etag'), winner.headers.get('etag'));
    }
  });

  it('guards deletes with If-Match too, and updates without If-Match still go through', async () => {
    const { id, body, etag } = await fresh('guarded');
    const unguarded = await provider.put(`${cloudapi}/entities/${id}`, body);
    assert.equal(unguarded.status, 200, 'VCD does not require If-Match on RDEs');
    const stale = await provider.delete<VcdErrorBody>(`${cloudapi}/entities/${id}`, {
      headers: { 'if-match': etag },
    });
    assert.equal(stale.status, 412);
    const current = unguarded.headers.get('etag')!;
    assert.equal(
      (await provider.delete(`${cloudapi}/entities/${id}`, { headers: { 'if-match': current } })).status,
      204,
    );
  });

  it('changes the ETag when the entity is resolved', async () => {
    const { id } = await createEntity(provider, type.typeId, {
      name: 'res',
      entity: { spec: { name: 'res' } },
    });
    const before = (await provider.get(`${cloudapi}/entities/${id}`)).headers.get('etag');
    const resolved = await provider.post(`${cloudapi}/entities/${id}/resolve`);
    assert.notEqual(resolved.headers.get('etag'), before);
  });
});
