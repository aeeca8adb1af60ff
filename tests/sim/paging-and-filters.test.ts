import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningSimulator } from '../../sim/server.ts';
import { startTestSimulator, VcdClient, type VcdErrorBody, type VcdPage } from '../helpers/vcd.ts';

interface RightJson {
  id: string;
  name: string;
  rightType: string;
}

function links(header: string | null): Record<string, URL> {
  const result: Record<string, URL> = {};
  for (const part of (header ?? '').split(/,\s*(?=<)/)) {
    const match = /^<([^>]+)>;rel="([^"]+)"/.exec(part);
    if (match) result[match[2]!] = new URL(match[1]!);
  }
  return result;
}

describe('paging, filters and sorting', () => {
  let sim: RunningSimulator;
  let provider: VcdClient;
  let total: number;
  before(async () => {
    sim = await startTestSimulator();
    provider = await VcdClient.provider(sim.url);
    total = (await provider.get<VcdPage<RightJson>>('/cloudapi/1.0.0/rights')).body.resultTotal;
  });
  after(() => sim.close());

  it("answers VCD's page shape with a default page size of 25", async () => {
    const response = await provider.get<VcdPage<RightJson> & { associations: unknown }>(
      '/cloudapi/1.0.0/rights',
    );
    assert.equal(response.status, 200);
    const page = response.body;
    assert.equal(page.page, 1);
    assert.equal(page.pageSize, 25);
    assert.equal(page.pageCount, Math.ceil(total / 25));
    assert.equal(page.values.length, 25);
    assert.ok('associations' in page);
  });

  it('pages through a collection with nextPage links until every item was seen once', async () => {
    const seen: string[] = [];
    let url: string | undefined = '/cloudapi/1.0.0/rights?pageSize=7&sortAsc=name';
    let pages = 0;
    while (url) {
      const response: Awaited<ReturnType<typeof provider.get<VcdPage<RightJson>>>> =
        await provider.get<VcdPage<RightJson>>(url);
      seen.push(...response.body.values.map((right) => right.id));
      const rels = links(response.headers.get('link'));
      if (pages > 0) assert.ok(rels.previousPage, 'pages after the first link back');
      url = rels.nextPage?.toString();
      pages++;
    }
    assert.equal(pages, Math.ceil(total / 7));
    assert.equal(seen.length, total);
    assert.equal(new Set(seen).size, total);
  });

  it('caps pageSize at 128', async () => {
    const response = await provider.get<VcdPage<RightJson>>('/cloudapi/1.0.0/rights?pageSize=500');
    assert.equal(response.body.pageSize, 128);
  });

  it('answers an empty page past the last one', async () => {
    const response = await provider.get<VcdPage<RightJson>>('/cloudapi/1.0.0/rights?page=99');
    assert.equal(response.status, 200);
    assert.deepEqual(response.body.values, []);
    assert.equal(response.body.resultTotal, total);
  });

  it('refuses page and pageSize that are not positive integers with 400', async () => {
    for (const query of ['page=0', 'page=-1', 'page=abc', 'pageSize=0', 'pageSize=1.5']) {
      const response = await provider.get<VcdErrorBody>(`/cloudapi/1.0.0/rights?${query}`);
      assert.equal(response.status, 400, query);
      assert.equal(response.body.minorErrorCode, 'BAD_REQUEST');
    }
  });

  it('filters with FIQL: equality, wildcard, and, or', async () => {
    const exact = await provider.get<VcdPage<RightJson>>(
      `/cloudapi/1.0.0/rights?filter=${encodeURIComponent('name==API Tokens: Manage')}`,
    );
    assert.deepEqual(
      exact.body.values.map((right) => right.name),
      ['API Tokens: Manage'],
    );
    const wildcard = await provider.getAll<RightJson>(
      `/cloudapi/1.0.0/rights?filter=${encodeURIComponent('name==vApp: Edit*')}`,
    );
    assert.ok(wildcard.length >= 5 && wildcard.every((right) => right.name.startsWith('vApp: Edit')));
    const both = await provider.getAll<RightJson>(
      `/cloudapi/1.0.0/rights?filter=${encodeURIComponent('name==vApp*;rightType==VIEW')}`,
    );
    assert.ok(
      both.length > 0 && both.every((right) => right.rightType === 'VIEW' && right.name.startsWith('vApp')),
    );
    const either = await provider.getAll<RightJson>(
      `/cloudapi/1.0.0/rights?filter=${encodeURIComponent('(name==API Tokens: Manage,name==Organization: View)')}`,
    );
    assert.deepEqual(either.map((right) => right.name).sort(), ['API Tokens: Manage', 'Organization: View']);
  });

  it('filters on nested fields with dotted paths', async () => {
    const users = await provider.getAll<{ username: string }>(
      `/cloudapi/1.0.0/users?filter=${encodeURIComponent('roleEntityRefs.name==System Administrator')}`,
    );
    assert.deepEqual(
      users.map((user) => user.username),
      ['administrator'],
    );
  });

  it("answers 400 with VCD's body for a malformed filter", async () => {
    for (const filter of ['name', 'name==', '(name==x', 'name=foo=x']) {
      const response = await provider.get<VcdErrorBody>(
        `/cloudapi/1.0.0/rights?filter=${encodeURIComponent(filter)}`,
      );
      assert.equal(response.status, 400, filter);
      assert.equal(response.body.minorErrorCode, 'BAD_REQUEST');
      assert.match(response.body.message, /Invalid filter expression/);
    }
  });

  it('sorts ascending and descending by a field', async () => {
    const ascending = await provider.getAll<RightJson>('/cloudapi/1.0.0/rights?sortAsc=name');
    const descending = await provider.getAll<RightJson>('/cloudapi/1.0.0/rights?sortDesc=name');
    const names = ascending.map((right) => right.name);
    assert.deepEqual(names, [...names].sort());
    assert.deepEqual(
      descending.map((right) => right.name),
      [...names].reverse(),
    );
    assert.equal((await provider.get('/cloudapi/1.0.0/rights?sortAsc=name&sortDesc=name')).status, 400);
  });
});
