import type { ProductSection } from '../../world/compute.ts';
import type { Vm } from '../../world/vapps.ts';
import { decodeUserdata, readBootstrapCloudConfig, type BootstrapGuestConfig } from './cloud-config.ts';

export const userdataKey = 'guestinfo.userdata';
export const userdataEncodingKey = 'guestinfo.userdata.encoding';

/** The VM's bootstrap configuration, `undefined` without userdata; throws `GuestCustomizationError`. */
export function bootstrapConfigOf(properties: Record<string, string>): BootstrapGuestConfig | undefined {
  const userdata = properties[userdataKey];
  if (userdata === undefined || userdata.trim() === '') return undefined;
  return readBootstrapCloudConfig(decodeUserdata(userdata, properties[userdataEncodingKey]));
}

/**
 * Where a failed guest customisation shows in the VM API: the guest publishes its status through
 * guestinfo keys, as CAPVCD's node scripts do (`guestinfo.post_customization_script_execution_*`),
 * which VCD serves with the VM's product sections.
 */
export const customizationStatusKey = 'guestinfo.post_customization_script_execution_status';
export const customizationFailureKey = 'guestinfo.post_customization_script_execution_failure_reason';

const statusSectionInfo = 'Guest customization status published by the guest';

export function recordCustomizationFailure(vm: Vm, message: string): void {
  const property = (key: string, value: string) => ({
    key,
    label: key,
    type: 'string' as const,
    defaultValue: '',
    value,
    userConfigurable: false,
    description: 'Written by the guest',
  });
  const section: ProductSection = {
    info: statusSectionInfo,
    product: 'cloud-init',
    vendor: '',
    version: '',
    fullVersion: '',
    properties: [property(customizationStatusKey, '1'), property(customizationFailureKey, message)],
  };
  vm.productSections = [
    ...vm.productSections.filter((candidate) => candidate.info !== statusSectionInfo),
    section,
  ];
}
