import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import type { ExtraConfigEntry, Vm } from '../../world/vapps.ts';
import { fail } from '../../http/errors.ts';
import { ovfNamespace, vcloudNamespace } from '../catalogs/legacy-xml.ts';
import { href } from '../compute/legacy.ts';

/**
 * A VM's virtual hardware section (`{vm}/virtualHardwareSection/`) in VCD's XML: the OVF
 * `VirtualHardwareSection` with its System, Items (CPU, memory, disk, NICs) and the VMware
 * `vmw:ExtraConfig` key/value pairs that end up in the VM's VMX file, where the guest reads
 * `guestinfo.*` keys (cloud-init's VMware data source reads `guestinfo.userdata`).
 *
 * Sources: go-vcloud-director `govcd/vm.go` (`GetExtraConfig`, `UpdateExtraConfig`: GET, then PUT of the
 * section with only the changed ExtraConfig items, answered by a task; an empty value deletes the key) and
 * `types/v56/vm_types.go` (`RequestVirtualHardwareSection`, `ResponseVirtualHardwareSection`, `ExtraConfig`:
 * attributes `key`, `value`, `required`), namespaces from `types/v56/constants.go`. The serialised shape of the
 * Items and whether VCD qualifies the ExtraConfig attributes (`vmw:key`) in what it serves are guesses (check a
 * GET on a real site); readers strip prefixes, so both forms parse.
 */
export const virtualHardwareSectionMedia = 'application/vnd.vmware.vcloud.virtualHardwareSection+xml';

const xmlNamespaces = {
  vcloud: vcloudNamespace,
  ovf: ovfNamespace,
  vmw: 'http://www.vmware.com/schema/ovf',
  rasd: 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData',
  vssd: 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData',
} as const;

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  format: true,
  suppressEmptyNode: true,
  // Otherwise `x="true"` is written as a bare `x`, which is not XML.
  suppressBooleanAttributes: false,
});

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  htmlEntities: true,
  isArray: (name) => name === 'ExtraConfig' || name === 'Item',
});

export function virtualHardwareSectionHref(base: string, vm: Vm): string {
  return `${href.vm(base, vm.id)}/virtualHardwareSection/`;
}

function item(fields: Record<string, unknown>) {
  return Object.fromEntries(Object.entries(fields).map(([key, value]) => [`rasd:${key}`, value]));
}

/** The section as VCD serves it (`GET {vm}/virtualHardwareSection/`). */
export function virtualHardwareSectionXml(base: string, vm: Vm): string {
  const self = virtualHardwareSectionHref(base, vm);
  const nics = vm.networkConnections.map((nic, index) => ({
    ...item({
      Address: nic.macAddress,
      AddressOnParent: String(nic.networkConnectionIndex),
      AutomaticAllocation: String(nic.isConnected),
      Connection: {
        '#text': nic.networkName,
        '@_vcloud:ipAddressingMode': nic.ipAddressAllocationMode,
        ...(nic.ipAddress ? { '@_vcloud:ipAddress': nic.ipAddress } : {}),
        '@_vcloud:primaryNetworkConnection': String(index === 0),
      },
      Description: 'Vmxnet3 ethernet adapter',
      ElementName: `Network adapter ${nic.networkConnectionIndex}`,
      InstanceID: String(1 + nic.networkConnectionIndex),
      ResourceSubType: 'VMXNET3',
      ResourceType: '10',
    }),
  }));
  const document = {
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    'ovf:VirtualHardwareSection': {
      '@_xmlns': xmlNamespaces.vcloud,
      '@_xmlns:vcloud': xmlNamespaces.vcloud,
      '@_xmlns:ovf': xmlNamespaces.ovf,
      '@_xmlns:vmw': xmlNamespaces.vmw,
      '@_xmlns:rasd': xmlNamespaces.rasd,
      '@_xmlns:vssd': xmlNamespaces.vssd,
      '@_ovf:transport': '',
      '@_vcloud:href': self,
      '@_vcloud:type': virtualHardwareSectionMedia,
      'ovf:Info': 'Virtual hardware requirements',
      'ovf:System': {
        'vssd:ElementName': 'Virtual Hardware Family',
        'vssd:InstanceID': '0',
        'vssd:VirtualSystemIdentifier': vm.name,
        'vssd:VirtualSystemType': 'vmx-19',
      },
      'ovf:Item': [
        ...nics,
        item({
          AddressOnParent: '0',
          Description: 'Hard disk',
          ElementName: 'Hard disk 1',
          HostResource: {
            '@_vcloud:capacity': String(vm.diskSizeMb),
            '@_vcloud:busType': '6',
            '@_vcloud:busSubType': 'VirtualSCSI',
          },
          InstanceID: '2000',
          Parent: '2',
          ResourceType: '17',
        }),
        {
          ...item({
            AllocationUnits: 'hertz * 10^6',
            Description: 'Number of Virtual CPUs',
            ElementName: `${vm.cpuCount} virtual CPU(s)`,
            InstanceID: '4',
            ResourceType: '3',
            VirtualQuantity: String(vm.cpuCount),
          }),
          'vmw:CoresPerSocket': { '#text': String(vm.coresPerSocket), '@_ovf:required': 'false' },
        },
        item({
          AllocationUnits: 'byte * 2^20',
          Description: 'Memory Size',
          ElementName: `${vm.memoryMb} MB of memory`,
          InstanceID: '5',
          ResourceType: '4',
          VirtualQuantity: String(vm.memoryMb),
        }),
      ],
      'vmw:ExtraConfig': (vm.extraConfig ?? []).map((entry) => ({
        '@_ovf:required': String(entry.required),
        '@_vmw:key': entry.key,
        '@_vmw:value': entry.value,
      })),
      Link: [{ '@_rel': 'edit', '@_href': self, '@_type': virtualHardwareSectionMedia }],
    },
  };
  return builder.build(document) as string;
}

/** VMX keys are `a.b_c` words; go-vcloud-director refuses keys with spaces before sending them (guessed rule). */
const extraConfigKey = /^[A-Za-z0-9_.:-]+$/;

/**
 * The ExtraConfig items of a PUT body. Items and System are read back as they were served; a body
 * that changes the hardware is not emulated (only ExtraConfig is applied).
 */
export function extraConfigOfRequest(xml: string): ExtraConfigEntry[] {
  const valid = XMLValidator.validate(xml);
  if (valid !== true)
    fail('badRequest', {
      reason: `The request is not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`,
    });
  const parsed = parser.parse(xml) as Record<string, unknown>;
  const section = parsed['VirtualHardwareSection'] as Record<string, unknown> | undefined;
  if (!section || typeof section !== 'object')
    fail('badRequest', { reason: 'The request body is not a VirtualHardwareSection.' });
  const entries: ExtraConfigEntry[] = [];
  for (const raw of (section['ExtraConfig'] as unknown[] | undefined) ?? []) {
    const element = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
    const key = typeof element['key'] === 'string' ? element['key'] : '';
    const value = typeof element['value'] === 'string' ? element['value'] : undefined;
    if (!extraConfigKey.test(key)) fail('badRequest', { reason: `Invalid ExtraConfig key "${key}".` });
    if (value === undefined) fail('badRequest', { reason: `ExtraConfig ${key} has no value.` });
    entries.push({ key, value, required: element['required'] === 'true' });
  }
  return entries;
}

/** VCD's merge: given keys are set, an empty value removes the key, others stay. */
export function mergeExtraConfig(current: readonly ExtraConfigEntry[], changes: readonly ExtraConfigEntry[]) {
  const merged = new Map(current.map((entry) => [entry.key, entry]));
  for (const change of changes) {
    if (change.value === '') merged.delete(change.key);
    else merged.set(change.key, { ...change });
  }
  return [...merged.values()];
}
