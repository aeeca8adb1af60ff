import { tkgTemplateVersions } from '../../world/seed-catalog.ts';
import type { KubeadmImages } from './manifest.ts';

/**
 * The simulated TKG image registry and kubeadm's pull of the control-plane images from it.
 *
 * The registry carries what the seeded TKG OVAs need (`sim/world/seed-catalog.ts`, whose facts come from
 * go-vcloud-director's `govcd/cse/tkg_versions.json`): per OVA, the etcd and CoreDNS tags of its TKG release and
 * the Kubernetes images tagged with its Kubernetes version, `+` written `_` (TKG's tags, e.g. `v1.28.11_vmware.2`,
 * as kubeadm derives them from `KubeadmControlPlane.spec.version`). Any repository is treated as this registry or a
 * mirror of it: only tags are checked.
 *
 * Without `imageTag`, kubeadm asks for its built-in default tags (kubernetes `cmd/kubeadm/app/constants`
 * `SupportedEtcdVersion`, `CoreDNSVersion`), which a TKG registry does not carry. The table below is a guess from
 * memory of those constants at each minor's .0 release (not in /work/upstream); what matters is that they are
 * upstream tags, never TKG's `_vmware.N` ones.
 */
const kubeadmDefaults: Readonly<Record<string, { etcd: string; coreDns: string }>> = {
  '1.26': { etcd: '3.5.6-0', coreDns: 'v1.9.3' },
  '1.27': { etcd: '3.5.7-0', coreDns: 'v1.10.1' },
  '1.28': { etcd: '3.5.9-0', coreDns: 'v1.10.1' },
  '1.29': { etcd: '3.5.10-0', coreDns: 'v1.11.1' },
  '1.30': { etcd: '3.5.12-0', coreDns: 'v1.11.1' },
};

/** `image name → tags` the simulated registry holds. */
function registryContent(): Map<string, Set<string>> {
  const content = new Map<string, Set<string>>();
  const add = (image: string, tag: string) => {
    if (!content.has(image)) content.set(image, new Set());
    content.get(image)!.add(tag);
  };
  for (const ova of tkgTemplateVersions) {
    const kubernetesTag = ova.version.split('-')[0]!.replaceAll('+', '_');
    add('etcd', ova.etcd);
    add('coredns', ova.coreDns);
    for (const component of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kube-proxy'])
      add(component, kubernetesTag);
  }
  return content;
}

const registry = registryContent();

const defaultRepository = 'registry.k8s.io';

/** The images kubeadm pulls on a control-plane node, as `<repository>/<name>:<tag>`, with the name for the lookup. */
function controlPlaneImages(images: KubeadmImages, kubernetesVersion: string) {
  const repository = images.imageRepository ?? defaultRepository;
  const minor = /^v?(\d+\.\d+)\./.exec(kubernetesVersion)?.[1] ?? '';
  const defaults = kubeadmDefaults[minor] ?? { etcd: `<kubeadm default for ${minor}>`, coreDns: 'v1.10.1' };
  const kubernetesTag = kubernetesVersion.replaceAll('+', '_');
  // kubeadm puts CoreDNS under `coredns/` only in the default registry (kubeadm `images.GetDNSImage`).
  const dnsRepository = images.dns.imageRepository ?? repository;
  const dnsPath = dnsRepository === defaultRepository ? 'coredns/coredns' : 'coredns';
  return [
    ...['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kube-proxy'].map((name) => ({
      name,
      reference: `${repository}/${name}:${kubernetesTag}`,
      tag: kubernetesTag,
    })),
    {
      name: 'etcd',
      reference: `${images.etcd.imageRepository ?? repository}/etcd:${images.etcd.imageTag ?? defaults.etcd}`,
      tag: images.etcd.imageTag ?? defaults.etcd,
    },
    {
      name: 'coredns',
      reference: `${dnsRepository}/${dnsPath}:${images.dns.imageTag ?? defaults.coreDns}`,
      tag: images.dns.imageTag ?? defaults.coreDns,
    },
  ];
}

/**
 * kubeadm's preflight pull on a control-plane machine: undefined when every image is in the registry, otherwise
 * its error for the missing ones, worded like kubeadm's `[ERROR ImagePull]` with containerd's not-found reason
 * (a guess at the wording; the image references are exact).
 */
export function kubeadmImagePullError(
  machine: string,
  images: KubeadmImages,
  kubernetesVersion: string,
): string | undefined {
  const missing = controlPlaneImages(images, kubernetesVersion).filter(
    (image) => !registry.get(image.name)?.has(image.tag),
  );
  if (missing.length === 0) return undefined;
  const errors = missing.map(
    ({ reference }) =>
      `[ERROR ImagePull]: failed to pull image ${reference}: failed to pull and unpack image "${reference}": failed to resolve reference "${reference}": ${reference}: not found`,
  );
  return `kubeadm init on machine ${machine}: [preflight] Some fatal errors occurred: ${errors.join('; ')}`;
}
