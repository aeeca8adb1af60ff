/**
 * The PUT body of an ExtraConfig update, as go-vcloud-director builds it (govcd/vm.go `updateExtraConfig`): the
 * section as read (its namespaces, Info, System and Items untouched), none of the ExtraConfig items already there,
 * and only the changed ones, whatever prefixes the served section uses.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { extraConfigUpdate } from '../../backend/vcd/vm-extra-config.ts';

const served = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<ovf:VirtualHardwareSection xmlns:ns10="http://www.vmware.com/vcloud/v1.5" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"
    xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData"
    xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData"
    xmlns:x="http://www.vmware.com/schema/ovf" ovf:transport="" ns10:href="https://vcd/api/vApp/vm-1/virtualHardwareSection/">
  <ovf:Info>Virtual hardware requirements</ovf:Info>
  <ovf:System><vssd:ElementName>Virtual Hardware Family</vssd:ElementName></ovf:System>
  <ovf:Item><rasd:Connection ns10:ipAddressingMode="POOL" ns10:primaryNetworkConnection="true">net &amp; co</rasd:Connection><rasd:ResourceType>10</rasd:ResourceType></ovf:Item>
  <x:ExtraConfig ovf:required="false" x:key="kept.by.vcd" x:value="1"/>
  <ns10:Link rel="edit" href="https://vcd/api/vApp/vm-1/virtualHardwareSection/" type="application/vnd.vmware.vcloud.virtualHardwareSection+xml"/>
</ovf:VirtualHardwareSection>`;

const parse = (xml: string) =>
  new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    isArray: (name) => name.endsWith('ExtraConfig'),
  }).parse(xml) as Record<string, Record<string, unknown>>;

describe('ExtraConfig update body', () => {
  it('keeps the section as served, uses its prefix for the VMware namespace, and sends only the changes', () => {
    const body = extraConfigUpdate(
      served,
      new Map([
        ['guestinfo.userdata', 'YQ=="<&'],
        ['gone', ''],
      ]),
    );
    assert.equal(XMLValidator.validate(body), true);
    const section = parse(body)['ovf:VirtualHardwareSection']!;
    assert.equal(section['@xmlns:x'], 'http://www.vmware.com/schema/ovf');
    assert.equal(section['@xmlns:vmw'], undefined, 'no second prefix for the same namespace');
    assert.deepEqual(
      Object.keys(section).filter((key) => !key.startsWith('@')),
      ['ovf:Info', 'ovf:System', 'ovf:Item', 'x:ExtraConfig'],
    );
    assert.match(body, /ns10:primaryNetworkConnection="true">net &amp; co</);
    assert.deepEqual(section['x:ExtraConfig'], [
      { '@x:key': 'guestinfo.userdata', '@x:value': 'YQ=="<&', '@ovf:required': 'false' },
      { '@x:key': 'gone', '@x:value': '', '@ovf:required': 'false' },
    ]);
  });

  it('binds the OVF and VMware namespaces when the served section does not', () => {
    const body = extraConfigUpdate(
      '<VirtualHardwareSection xmlns="http://schemas.dmtf.org/ovf/envelope/1"><Info>x</Info></VirtualHardwareSection>',
      new Map([['guestinfo.userdata.encoding', 'base64']]),
    );
    assert.equal(XMLValidator.validate(body), true);
    const section = parse(body)['VirtualHardwareSection']!;
    assert.equal(section['@xmlns:vmw'], 'http://www.vmware.com/schema/ovf');
    assert.equal(section['@xmlns:ovf'], 'http://schemas.dmtf.org/ovf/envelope/1');
    assert.deepEqual(section['vmw:ExtraConfig'], [
      { '@vmw:key': 'guestinfo.userdata.encoding', '@vmw:value': 'base64', '@ovf:required': 'false' },
    ]);
  });
});
