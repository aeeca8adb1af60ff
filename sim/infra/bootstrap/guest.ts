import type { Vm } from '../../world/vapps.ts';
import {
  decodeGuestinfoUserdata,
  decodeOvfUserdata,
  readBootstrapCloudConfig,
  type BootstrapGuestConfig,
} from './cloud-config.ts';

export const userdataKey = 'guestinfo.userdata';
export const userdataEncodingKey = 'guestinfo.userdata.encoding';
/** The OVF property cloud-init's OVF data source takes user data from (`DataSourceOVF.py`). */
export const ovfUserdataKey = 'user-data';

/** What the guest's cloud-init can read: VMX guestinfo (ExtraConfig) and the OVF environment. */
export interface GuestDataSources {
  /** ExtraConfig key → value, as `vmtoolsd --cmd "info-get guestinfo.…"` answers in the guest. */
  extraConfig: Record<string, string>;
  /** OVF product properties (the OVF environment VCD hands to the guest). */
  guestProperties: Record<string, string>;
}

/** cloud-init's `get_none_if_empty_val`: trailing whitespace dropped; empty or `---` is no value. */
function guestinfoValue(value: string | undefined): string | undefined {
  const trimmed = value?.trimEnd();
  return trimmed && trimmed !== '---' ? trimmed : undefined;
}

/**
 * The user data cloud-init finds, in its data source order (cloud-init `cloudinit/settings.py`
 * `datasource_list`: VMware before OVF). The VMware data source (`DataSourceVMware.py`) is chosen
 * when guestinfo has any of `metadata`, `userdata`, `vendordata`, and then its user data is
 * `guestinfo.userdata` only; otherwise the OVF data source reads the property `user-data`. Any other
 * place (a `guestinfo.userdata` OVF property, say) is never read.
 */
export function userDataOf(guest: GuestDataSources): string | undefined {
  const guestinfo = (key: string) => guestinfoValue(guest.extraConfig[`guestinfo.${key}`]);
  if (guestinfo('metadata') || guestinfo('userdata') || guestinfo('vendordata')) {
    const userdata = guestinfo('userdata');
    return userdata === undefined
      ? undefined
      : decodeGuestinfoUserdata(userdata, guestinfo('userdata.encoding'));
  }
  const ovf = guest.guestProperties[ovfUserdataKey];
  return ovf && ovf.trim() !== '' ? decodeOvfUserdata(ovf) : undefined;
}

/** The VM's bootstrap configuration, `undefined` without user data; throws `GuestCustomizationError`. */
export function bootstrapConfigOf(guest: GuestDataSources): BootstrapGuestConfig | undefined {
  const userdata = userDataOf(guest);
  return userdata === undefined ? undefined : readBootstrapCloudConfig(userdata);
}

/**
 * Where a failed guest customisation shows in the VM API: the guest publishes its status as guestinfo
 * keys (`vmtoolsd --cmd "info-set guestinfo.…"`, CAPVCD `controllers/cluster_scripts/cloud_init.tmpl`),
 * which VCD shows in the VM's ExtraConfig, where CAPVCD reads them (`vcdmachine_controller.go`
 * `PostCustomizationScriptExecutionStatus`, vcdsdk `GetExtraConfigValue`).
 */
export const customizationStatusKey = 'guestinfo.post_customization_script_execution_status';
export const customizationFailureKey = 'guestinfo.post_customization_script_execution_failure_reason';

export function recordCustomizationFailure(vm: Vm, message: string): void {
  const published = new Map([
    [customizationStatusKey, '1'],
    [customizationFailureKey, message],
  ]);
  vm.extraConfig = [
    ...(vm.extraConfig ?? []).filter((entry) => !published.has(entry.key)),
    ...[...published].map(([key, value]) => ({ key, value, required: false })),
  ];
}
