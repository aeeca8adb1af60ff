/**
 * A VM's virtual hardware section in XML, as go-vcloud-director's `GetExtraConfig` /
 * `UpdateExtraConfig` use it (govcd/vm.go): GET serves the section with `vmw:ExtraConfig` items;
 * PUT of the section with some items answers 202 + a task, sets those keys, removes keys given an
 * empty value and keeps the others; on powered-off and powered-on VMs alike. (No user data here: a guest that
 * boots with some publishes its own guestinfo keys.)
 */
import assert from 'node:assert/strict';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { after, before, describe, it } from 'node:test';
import type { RunningSimulator } from '../../sim/server.ts';
import { apiVersion, VcdClient } from '../helpers/vcd.ts';
import {
  createVApp,
  extraConfigOf,
  powerOn,
  setExtraConfig,
  startFastSimulator,
  tenantFixture,
  type TenantFixture,
} from './support/infra.ts';

const xmlAccept = `application/*+xml;version=${apiVersion}`;
const sectionType = 'application/vnd.vmware.vcloud.virtualHardwareSection+xml';

describe('VM ExtraConfig through the virtual hardware section', () => {
  let sim: RunningSimulator;
  let author: VcdClient;
  let fixture: TenantFixture;
  let vmHref: string;
  let vAppHref: string;

  before(async () => {
    sim = await startFastSimulator();
    author = await VcdClient.login(sim.url, 'acme-author', 'acme');
    fixture = await tenantFixture(author, 'acme');
    const { vApp, href } = await createVApp(author, fixture, { name: 'extra-config' });
    vmHref = vApp.children.vm[0]!.href;
    vAppHref = href;
  });
  after(() => sim?.close());

  it('serves the section in XML with the OVF and VMware namespaces, linked from the VM', async () => {
    const vm = await author.get<{ link: { rel: string; href: string; type: string }[] }>(vmHref);
    const link = vm.body.link.find((candidate) => candidate.type === sectionType);
    assert.equal(link?.href, `${vmHref}/virtualHardwareSection/`);
    const response = await author.get(link.href, { accept: xmlAccept });
    assert.equal(response.status, 200, response.text);
    assert.equal(XMLValidator.validate(response.text), true, 'well-formed XML');
    assert.match(
      response.headers.get('content-type') ?? '',
      /^application\/vnd\.vmware\.vcloud\.virtualHardwareSection\+xml/,
    );
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(
      response.text,
    ) as Record<string, Record<string, unknown>>;
    const section = parsed['ovf:VirtualHardwareSection']!;
    assert.equal(section['xmlns:ovf'], 'http://schemas.dmtf.org/ovf/envelope/1');
    assert.equal(section['xmlns:vmw'], 'http://www.vmware.com/schema/ovf');
    assert.equal(section['ovf:Info'], 'Virtual hardware requirements');
    const items = section['ovf:Item'] as Record<string, unknown>[];
    const cpu = items.find((item) => item['rasd:ResourceType'] === 3);
    assert.equal(cpu?.['rasd:VirtualQuantity'], 2);
    assert.deepEqual(await extraConfigOf(author, vmHref), {});
  });

  it('PUT sets keys (202 + task in XML with Location), and the GET shows them', async () => {
    const task = await setExtraConfig(author, vmHref, {
      'guestinfo.example': 'I2Nsb3VkLWNvbmZpZw==',
      'guestinfo.example.encoding': 'base64',
      'disk.enableUUID': '1',
    });
    assert.equal(task.status, 'success', JSON.stringify(task.error));
    assert.equal(task.operationName, 'vappUpdateVm');
    assert.deepEqual(await extraConfigOf(author, vmHref), {
      'guestinfo.example': 'I2Nsb3VkLWNvbmZpZw==',
      'guestinfo.example.encoding': 'base64',
      'disk.enableUUID': '1',
    });
  });

  it('a later PUT changes and removes only the keys it names (empty value removes), also when powered on', async () => {
    await powerOn(author, vAppHref);
    const task = await setExtraConfig(author, vmHref, {
      'disk.enableUUID': '',
      'guestinfo.example': 'eA==',
    });
    assert.equal(task.status, 'success', JSON.stringify(task.error));
    assert.deepEqual(await extraConfigOf(author, vmHref), {
      'guestinfo.example': 'eA==',
      'guestinfo.example.encoding': 'base64',
    });
  });

  it('the task answers in JSON to a client that asks for JSON', async () => {
    const response = await author.request<{ operationName: string }>(
      'PUT',
      `${vmHref}/virtualHardwareSection`,
      {
        rawBody:
          '<ovf:VirtualHardwareSection xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1" xmlns:vmw="http://www.vmware.com/schema/ovf">' +
          '<ovf:Info>x</ovf:Info><vmw:ExtraConfig vmw:key="guestinfo.x" vmw:value="1" ovf:required="false"/></ovf:VirtualHardwareSection>',
        headers: { 'content-type': sectionType },
      },
    );
    assert.equal(response.status, 202, response.text);
    assert.equal(response.body.operationName, 'vappUpdateVm');
    await author.waitForTask(response.headers.get('location')!);
    assert.equal((await extraConfigOf(author, vmHref))['guestinfo.x'], '1');
  });

  it('refuses malformed XML, another document, and keys with spaces (400, nothing changed)', async () => {
    const before = await extraConfigOf(author, vmHref);
    const put = (body: string) =>
      author.request('PUT', `${vmHref}/virtualHardwareSection/`, {
        rawBody: body,
        accept: xmlAccept,
        headers: { 'content-type': sectionType },
      });
    const malformed = await put('<ovf:VirtualHardwareSection><ovf:Info>');
    assert.equal(malformed.status, 400, malformed.text);
    const other = await put('<Vm xmlns="http://www.vmware.com/vcloud/v1.5"/>');
    assert.equal(other.status, 400, other.text);
    const spaced = await put(
      '<ovf:VirtualHardwareSection xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1" xmlns:vmw="http://www.vmware.com/schema/ovf">' +
        '<vmw:ExtraConfig vmw:key="Eleanor Rigby" vmw:value="x"/></ovf:VirtualHardwareSection>',
    );
    assert.equal(spaced.status, 400, spaced.text);
    assert.match(spaced.text, /Eleanor Rigby/);
    assert.deepEqual(await extraConfigOf(author, vmHref), before);
  });

  it('another org cannot read or change the section', async () => {
    const globex = await VcdClient.login(sim.url, 'globex-author', 'globex');
    const read = await globex.get(`${vmHref}/virtualHardwareSection/`, { accept: xmlAccept });
    assert.equal(read.status, 404, read.text);
  });
});
