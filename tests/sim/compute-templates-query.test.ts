import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningSimulator } from '../../sim/server.ts';
import { startTestSimulator, VcdClient } from '../helpers/vcd.ts';
import { queryRecords } from './support/infra.ts';

interface TemplateRecord {
  _type: string;
  href: string;
  name: string;
  catalogName: string;
  status: string;
  orgName?: string;
}

interface ProductSectionJson {
  _type: string;
  property: { key: string; defaultValue: string; value: { value: string } }[];
}

describe('vApp templates: query service and product-section VERSION', () => {
  let sim: RunningSimulator;
  let author: VcdClient;
  let provider: VcdClient;

  before(async () => {
    sim = await startTestSimulator();
    author = await VcdClient.login(sim.url, 'acme-author', 'acme');
    provider = await VcdClient.provider(sim.url);
  });
  after(() => sim.close());

  it('lists the shared TKG templates to a tenant with filters on record fields', async () => {
    const all = await queryRecords<TemplateRecord>(author, 'vAppTemplate');
    assert.equal(all.total, 5);
    assert.equal(all.record[0]!._type, 'QueryResultVAppTemplateRecordType');
    const tkg = await queryRecords<TemplateRecord>(
      author,
      'vAppTemplate',
      'name==ubuntu-2204-kube-*;catalogName==tkg-templates',
    );
    assert.equal(tkg.total, 4);
    for (const record of tkg.record) {
      assert.equal(record.status, 'RESOLVED');
      assert.match(record.href, /\/api\/vAppTemplate\/vappTemplate-[0-9a-f-]{36}$/);
    }
  });

  it('pages query results with links', async () => {
    const response = await author.get<{
      page: number;
      pageSize: number;
      total: number;
      record: unknown[];
      link: { rel: string }[];
    }>('/api/query?type=vAppTemplate&pageSize=2&page=2&sortAsc=name');
    assert.equal(response.status, 200);
    assert.equal(response.body.page, 2);
    assert.equal(response.body.record.length, 2);
    assert.equal(response.body.total, 5);
    assert.deepEqual(response.body.link.map((link) => link.rel).sort(), [
      'firstPage',
      'lastPage',
      'nextPage',
      'previousPage',
    ]);
  });

  it('serves the template VM product section with VERSION, also through /productSections', async () => {
    const records = await queryRecords<TemplateRecord>(
      author,
      'vAppTemplate',
      'name==ubuntu-2204-kube-v1.28.7*',
    );
    const href = records.record[0]!.href;
    const template = await author.get<{
      status: number;
      children: { vm: { href: string; section: ProductSectionJson[] }[] };
    }>(href);
    assert.equal(template.status, 200);
    assert.match(
      template.headers.get('content-type')!,
      /application\/vnd\.vmware\.vcloud\.vAppTemplate\+json/,
    );
    const section = template.body.children.vm[0]!.section.find(
      (candidate) => candidate._type === 'ProductSectionType',
    )!;
    const version = section.property.find((property) => property.key === 'VERSION')!;
    assert.match(version.defaultValue, /^v1\.28\.7\+vmware\.1-tkg\.1-[0-9a-f]{32}$/);
    assert.equal(version.defaultValue.split('-')[0], 'v1.28.7+vmware.1');
    assert.ok(records.record[0]!.name.endsWith(version.defaultValue));

    const list = await author.get<{ productSection: ProductSectionJson[] }>(`${href}/productSections`);
    assert.equal(list.status, 200);
    const keys = list.body.productSection[0]!.property.map((property) => property.key);
    assert.ok(keys.includes('VERSION') && keys.includes('TKG_VERSION'));
  });

  it('keeps adminVAppTemplate for the provider', async () => {
    const refused = await author.get<{ minorErrorCode: string }>('/api/query?type=adminVAppTemplate');
    assert.equal(refused.status, 403);
    const records = await queryRecords<TemplateRecord>(provider, 'adminVAppTemplate', 'name==cse-bootstrap*');
    assert.equal(records.total, 1);
    assert.equal(records.record[0]!._type, 'QueryResultAdminVAppTemplateRecordType');
    assert.equal(records.record[0]!.orgName, 'System');
  });

  it('answers bad query parameters with VCD errors', async () => {
    const unknownType = await author.get<{ minorErrorCode: string; majorErrorCode: number }>(
      '/api/query?type=nope',
    );
    assert.equal(unknownType.status, 400);
    assert.equal(unknownType.body.majorErrorCode, 400);
    const badFilter = await author.get('/api/query?type=vAppTemplate&filter=name=~x');
    assert.equal(badFilter.status, 400);
    const references = await author.get<{ reference: { href: string; name: string }[] }>(
      '/api/query?type=catalog&format=references',
    );
    assert.equal(references.status, 200);
    assert.equal(references.body.reference[0]!.name, 'tkg-templates');
  });

  it('requires the version in Accept on the legacy API', async () => {
    const response = await author.get('/api/query?type=vAppTemplate', { accept: 'application/*+json' });
    assert.equal(response.status, 406);
  });
});
