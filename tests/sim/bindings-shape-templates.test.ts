/**
 * The vApp template and product section JSON the simulator serves, checked against `@vcd/bindings` (VMware's typed
 * statement of VCD's JSON): `VAppTemplateType` with its VMs' OVF sections, and `ProductSectionListType`, whose
 * properties are `categoryOrProperty[]` with `valueAttrib`/`valueElement`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningSimulator } from '../../sim/server.ts';
import { checkBindingsShape } from '../helpers/bindings-shape.ts';
import { startTestSimulator, VcdClient } from '../helpers/vcd.ts';
import { queryRecords } from './support/infra.ts';

const legacy = '@vcd/bindings/vcloud/api/rest/schema_v1_5';

describe('vApp template and product section JSON against @vcd/bindings', () => {
  let sim: RunningSimulator;
  let author: VcdClient;
  let href: string;

  before(async () => {
    sim = await startTestSimulator();
    author = await VcdClient.login(sim.url, 'acme-author', 'acme');
    href = (await queryRecords<{ href: string }>(author, 'vAppTemplate', 'name==ubuntu-2204-kube-v1.28.11*'))
      .record[0]!.href;
  });
  after(() => sim.close());

  it('serves a ProductSectionList the bindings describe', async () => {
    const list = await author.get(`${href}/productSections`);
    assert.equal(list.status, 200);
    assert.deepEqual(checkBindingsShape('ProductSectionListType', legacy, list.body), []);
  });

  it('serves a VAppTemplate the bindings describe (VmSpecSection aside: govcd states it, the bindings do not)', async () => {
    const template = await author.get(href);
    const messages = checkBindingsShape('VAppTemplateType', legacy, template.body).filter(
      (message) => !message.startsWith('$.children.vm[0].vmSpecSection:'),
    );
    assert.deepEqual(messages, []);
  });

  it("serves the template's VM product sections as the bindings' ProductSectionType", async () => {
    const template = await author.get<{ children: { vm: { section: { _type: string }[] }[] } }>(href);
    const sections = template.body.children.vm[0]!.section.filter((s) => s._type === 'ProductSectionType');
    assert.equal(sections.length, 1);
    assert.deepEqual(checkBindingsShape('ProductSectionListType', legacy, { productSection: sections }), []);
  });
});
