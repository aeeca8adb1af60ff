import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningSimulator } from '../../sim/server.ts';
import { apiVersion, startTestSimulator, VcdClient } from '../helpers/vcd.ts';
import { queryRecords } from './support/infra.ts';

interface TemplateRecord {
  _type: string;
  href: string;
  name: string;
  catalogName: string;
  status: string;
  orgName?: string;
}

/** `@vcd/bindings` `ProductSectionType` / `Property` names. */
interface ProductSectionJson {
  _type: string;
  categoryOrProperty: { key: string; valueAttrib: string; valueElement: { value: string }[] }[];
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
    assert.equal(all.total, 6, 'five TKG templates and the bootstrap template');
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
    assert.equal(response.body.total, 6);
    assert.deepEqual(response.body.link.map((link) => link.rel).sort(), [
      'firstPage',
      'lastPage',
      'nextPage',
      'previousPage',
    ]);
  });

  it('serves the template VM product section with VERSION in the JSON names of @vcd/bindings', async () => {
    const records = await queryRecords<TemplateRecord>(
      author,
      'vAppTemplate',
      'name==ubuntu-2204-kube-v1.28.11*',
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
    const version = section.categoryOrProperty.find((property) => property.key === 'VERSION')!;
    assert.equal(version.valueAttrib, 'v1.28.11+vmware.2-tkg.2-7820f47053de95b5aaf7e33a17511e47');
    assert.deepEqual(version.valueElement, []);
    assert.ok(records.record[0]!.name.endsWith(version.valueAttrib));

    const list = await author.get<{ productSection: ProductSectionJson[] }>(`${href}/productSections`);
    assert.equal(list.status, 200);
    const keys = list.body.productSection[0]!.categoryOrProperty.map((property) => property.key);
    assert.ok(keys.includes('VERSION') && keys.includes('TKG_VERSION'));
  });

  it('serves the template, its VM and its product sections in XML when asked for XML, as GVCD asks', async () => {
    const records = await queryRecords<TemplateRecord>(
      author,
      'vAppTemplate',
      'name==ubuntu-2204-kube-v1.29.6*',
    );
    const href = records.record[0]!.href;
    const xml = { accept: `application/*+xml;version=${apiVersion}` };
    const template = await author.get<string>(href, xml);
    assert.equal(template.status, 200);
    assert.match(
      template.headers.get('content-type')!,
      /^application\/vnd\.vmware\.vcloud\.vAppTemplate\+xml;version=/,
    );
    assert.match(
      template.text,
      /^<\?xml version="1\.0" encoding="UTF-8" standalone="yes"\?>\n<VAppTemplate xmlns="http:\/\/www\.vmware\.com\/vcloud\/v1\.5" xmlns:ovf="http:\/\/schemas\.dmtf\.org\/ovf\/envelope\/1"/,
    );
    assert.match(
      template.text,
      /<Children><Vm [^>]*><Link [^>]*\/><Description\/><ovf:ProductSection ovf:required="false"><ovf:Info>[^<]*<\/ovf:Info>/,
    );
    assert.match(
      template.text,
      /<ovf:Property ovf:key="VERSION" ovf:type="string" ovf:userConfigurable="false" ovf:value="v1\.29\.6\+vmware\.1-tkg\.3-c6934e3c00b6ca9a7c3e56acb773ce3a">/,
    );
    const vmHref = /<Vm [^>]*href="([^"]+)"/.exec(template.text)![1]!;
    const vm = await author.get<string>(vmHref, xml);
    assert.match(vm.headers.get('content-type')!, /^application\/vnd\.vmware\.vcloud\.vm\+xml;/);
    assert.match(vm.text, /<Vm xmlns="http:\/\/www\.vmware\.com\/vcloud\/v1\.5"/);
    const sections = await author.get<string>(`${vmHref}/productSections`, xml);
    assert.match(
      sections.headers.get('content-type')!,
      /^application\/vnd\.vmware\.vcloud\.productSections\+xml;/,
    );
    assert.match(sections.text, /<ProductSectionList [^>]*><ovf:ProductSection ovf:required="false">/);
    assert.match(
      sections.text,
      /ovf:key="TKG_VERSION" ovf:type="string" ovf:userConfigurable="false" ovf:value="v2\.5\.2"/,
    );
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
