/**
 * The cluster's default StorageClass, as CSE 4.2's entity asks for it (`spec.vcdKe.defaultStorageClassOptions`:
 * `k8sStorageClassName`, `vcdStorageProfileName`, `useDeleteReclaimPolicy`, `filesystem`; go-vcloud-director
 * `types/v56/cse.go`, `govcd/cse/4.2/rde.tmpl`). Provisioned by the named-disk CSI driver
 * (`named-disk.csi.cloud-director.vmware.com`, cloud-director-named-disk-csi-driver `pkg/csi/identity.go`), whose
 * parameters are `storageProfile` and `filesystem` (`pkg/csi/controller.go`).
 */
import { stringify } from 'yaml';
import { InputChecks, inputPatterns } from '../bootstrap/input-checks.ts';

export const NAMED_DISK_PROVISIONER = 'named-disk.csi.cloud-director.vmware.com';

export interface DefaultStorageClassOptions {
  /** `k8sStorageClassName` (a DNS-1123 label). */
  name: string;
  /** `vcdStorageProfileName`: the VCD storage policy the disks are created in. */
  storageProfile: string;
  /** `useDeleteReclaimPolicy`: `Delete` when true, `Retain` otherwise. */
  deleteOnRelease: boolean;
  filesystem: 'ext4' | 'xfs';
}

/** The StorageClass object, marked as the cluster's default. Throws `RenderInputError` on a bad option. */
export function defaultStorageClass(options: DefaultStorageClassOptions): Record<string, unknown> {
  const checks = new InputChecks();
  checks.match('name', options.name, inputPatterns.dnsLabel, 'a DNS-1123 label');
  checks.present('storageProfile', options.storageProfile, 256);
  checks.check(
    'storageProfile',
    [...options.storageProfile].every((character) => character.charCodeAt(0) >= 0x20),
    'must not hold control characters',
  );
  checks.check('filesystem', ['ext4', 'xfs'].includes(options.filesystem), 'must be ext4 or xfs');
  checks.done();
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: {
      name: options.name,
      annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' },
    },
    provisioner: NAMED_DISK_PROVISIONER,
    reclaimPolicy: options.deleteOnRelease ? 'Delete' : 'Retain',
    parameters: { storageProfile: options.storageProfile, filesystem: options.filesystem },
  };
}

/** The StorageClass as a YAML document. */
export function renderDefaultStorageClass(options: DefaultStorageClassOptions): string {
  return stringify(defaultStorageClass(options));
}
