import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningSimulator } from '../../sim/server.ts';
import { startTestSimulator, VcdClient, type VcdErrorBody, type VcdPage } from '../helpers/vcd.ts';
import { cloudapi, createEntity, defineTestType, type EntityJson, type TestType } from './rde-fixtures.ts';

const total = 2000;

describe('RDE lists: paging, FIQL filters and sort over thousands of entities', () => {
  let sim: RunningSimulator;
  let provider: VcdClient;
  let type: TestType;
  let other: TestType;
  before(async () => {
    sim = await startTestSimulator();
    provider = await VcdClient.provider(sim.url);
    type = await defineTestType(provider, { nss: 'many' });
    other = await defineTestType(provider, { nss: 'many', version: '1.1.0' });
    const batch = 50;
    for (let start = 0; start < total; start += batch) {
      await Promise.all(
        Array.from({ length: batch }, (_, offset) => {
          const n = start + offset;
          return provider.post(`${cloudapi}/entityTypes/${type.typeId}?resolveEntity=true`, {
            name: `item-${String(n).padStart(4, '0')}`,
            entity: {
              spec: {
                name: `item-${n}`,
                size: (n % 5) + 1,
                labels: { tier: n % 2 === 0 ? 'gold' : 'silver' },
              },
            },
          });
        }),
      );
    }
    await createEntity(provider, other.typeId, {
      name: 'other-version',
      entity: { spec: { name: 'other' } },
    });
  });
  after(() => sim.close());

  const list = (query: string) =>
    provider.get<VcdPage<EntityJson>>(`${cloudapi}/entities/types/acmetest/many/1.0.0?${query}`);

  it('pages with resultTotal, pageCount and Link headers', async () => {
    const first = await list('page=1&pageSize=100');
    assert.equal(first.status, 200);
    assert.equal(first.body.resultTotal, total);
    assert.equal(first.body.pageCount, total / 100);
    assert.equal(first.body.values.length, 100);
    assert.match(first.headers.get('link') ?? '', /rel="nextPage"/);
    const beyond = await list(`page=${total}&pageSize=100`);
    assert.equal(beyond.body.values.length, 0);
  });

  it('filters on entity contents, name and state with FIQL', async () => {
    const sized = await list(
      `filter=${encodeURIComponent('entity.spec.size==3;entity.spec.labels.tier==gold')}&pageSize=128`,
    );
    assert.equal(sized.status, 200);
    assert.equal(sized.body.resultTotal, total / 10);
    assert.ok(
      sized.body.values.every(
        (value) => value.entity['spec'] && (value.entity['spec'] as { size: number }).size === 3,
      ),
    );
    const named = await list(`filter=${encodeURIComponent('name==item-001*')}`);
    assert.equal(named.body.resultTotal, 10);
    const resolved = await list(
      `filter=${encodeURIComponent('entityState==RESOLVED;org.name==System')}&pageSize=1`,
    );
    assert.equal(resolved.body.resultTotal, total);
    const none = await list(`filter=${encodeURIComponent('state==RESOLUTION_ERROR')}`);
    assert.equal(none.body.resultTotal, 0);
  });

  it('sorts ascending and descending by a dotted path', async () => {
    const desc = await list('sortDesc=name&pageSize=3');
    assert.deepEqual(
      desc.body.values.map((value) => value.name),
      ['item-1999', 'item-1998', 'item-1997'],
    );
    const asc = await list('sortAsc=entity.spec.size&pageSize=1');
    assert.equal((asc.body.values[0]!.entity['spec'] as { size: number }).size, 1);
  });

  it('lists by interface across type versions, and by vendor and nss', async () => {
    const byInterface = await provider.get<VcdPage<EntityJson>>(
      `${cloudapi}/entities/interfaces/acmetest/many/1.1.0?pageSize=5`,
    );
    assert.equal(byInterface.body.resultTotal, 1);
    const allVersions = await provider.get<VcdPage<EntityJson>>(
      `${cloudapi}/entities/types/acmetest/many?pageSize=1`,
    );
    assert.equal(allVersions.body.resultTotal, total + 1);
  });

  it('answers a page of a large list quickly', async () => {
    const started = performance.now();
    for (let i = 0; i < 10; i++)
      await list(`page=${i + 1}&pageSize=25&filter=${encodeURIComponent('entity.spec.size=ge=2')}`);
    const perCall = (performance.now() - started) / 10;
    // Generous: CI machines are shared; an O(n²) list or a full scan per entity would blow far past it.
    assert.ok(perCall < 1000, `a filtered page of ${total} entities took ${perCall.toFixed(1)} ms`);
  });

  it('answers 400 for a bad filter or page size', async () => {
    const bad = await list(`filter=${encodeURIComponent('name==(')}`);
    assert.equal(bad.status, 400);
    assert.equal((bad.body as unknown as VcdErrorBody).minorErrorCode, 'BAD_REQUEST');
    assert.equal((await list('pageSize=0')).status, 400);
  });

  it('answers an empty list for an unknown type', async () => {
    const empty = await provider.get<VcdPage<EntityJson>>(`${cloudapi}/entities/types/nobody/nothing/1.0.0`);
    assert.equal(empty.status, 200);
    assert.equal(empty.body.resultTotal, 0);
  });
});
