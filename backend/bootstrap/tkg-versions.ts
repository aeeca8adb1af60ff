/**
 * The TKG release of each TKG node image (OVA), keyed by the image's `VERSION` product property, with what the
 * Cluster API manifest needs from it: the TKr name, and the etcd and CoreDNS image tags that kubeadm must be given
 * (without them it asks the registry for upstream tags the TKG registry does not carry).
 *
 * Facts from go-vcloud-director v3.1.1 (the release in /work/upstream, CHANGELOG "3.1.1 (June 17. 2026)"),
 * `govcd/cse/tkg_versions.json`, which `getTkgVersionBundleFromVAppTemplate` (`govcd/cse_util.go`) looks the
 * template's `VERSION` up in, refusing a template that is not a key ("is not supported"); its CSE 4.2 template
 * (`govcd/cse/4.2/capiyaml_cluster.tmpl`) renders `etcd` and `coreDns` as the KubeadmControlPlane's
 * `etcd.local.imageTag` and `dns.imageTag`. CAPVCD's `templates/cluster-template-v*-tkgv*.yaml` set the same fields.
 * This module is the worker's one owner of that map.
 */

interface TkgRelease {
  /** TKG release, e.g. `v2.5.2`. */
  tkg: string;
  /** TKr (TanzuKubernetesRelease) name, e.g. `v1.28.11---vmware.2-tkg.2`. */
  tkr: string;
  /** etcd image tag in the TKG registry. */
  etcd: string;
  /** CoreDNS image tag in the TKG registry. */
  coreDns: string;
}

const tkgReleases: Readonly<Record<string, TkgRelease>> = {
  'v1.30.2+vmware.1-tkg.1-00b380629c7a9c10afaaa9df46ba2283': {
    tkg: 'v2.5.2',
    tkr: 'v1.30.2---vmware.1-tkg.1',
    etcd: 'v3.5.12_vmware.5',
    coreDns: 'v1.11.1_vmware.10',
  },
  'v1.29.6+vmware.1-tkg.3-c6934e3c00b6ca9a7c3e56acb773ce3a': {
    tkg: 'v2.5.2',
    tkr: 'v1.29.6---vmware.1-tkg.3',
    etcd: 'v3.5.12_vmware.5',
    coreDns: 'v1.10.1_vmware.23',
  },
  'v1.28.11+vmware.2-tkg.2-7820f47053de95b5aaf7e33a17511e47': {
    tkg: 'v2.5.2',
    tkr: 'v1.28.11---vmware.2-tkg.2',
    etcd: 'v3.5.12_vmware.5',
    coreDns: 'v1.10.1_vmware.21',
  },
  'v1.27.15+vmware.1-tkg.2-138e363d8ee0f5eeda35a0de81a33f9f': {
    tkg: 'v2.5.2',
    tkr: 'v1.27.15---vmware.1-tkg.2',
    etcd: 'v3.5.12_vmware.5',
    coreDns: 'v1.10.1_vmware.20',
  },
  'v1.26.14+vmware.1-tkg.2-6378700fb9360ffd64bebc53dbde5bb9': {
    tkg: 'v2.5.2',
    tkr: 'v1.26.14---vmware.1-tkg.4',
    etcd: 'v3.5.12_vmware.5',
    coreDns: 'v1.9.3_vmware.22',
  },
  'v1.28.4+vmware.1-tkg.1-1e7baa840b8869c8bdce0cafff0da59d': {
    tkg: 'v2.5.0',
    tkr: 'v1.28.4---vmware.1-tkg.1-rc.5',
    etcd: 'v3.5.10_vmware.1',
    coreDns: 'v1.10.1_vmware.13',
  },
  'v1.27.8+vmware.1-tkg.1-e77cdad8d69e4f76f2ded5e1356235b3': {
    tkg: 'v2.5.0',
    tkr: 'v1.27.8---vmware.1-tkg.1-rc.5',
    etcd: 'v3.5.10_vmware.1',
    coreDns: 'v1.10.1_vmware.12',
  },
  'v1.27.5+vmware.1-tkg.1-0eb96d2f9f4f705ac87c40633d4b69st': {
    tkg: 'v2.4.0',
    tkr: 'v1.27.5---vmware.1-tkg.1',
    etcd: 'v3.5.7_vmware.6',
    coreDns: 'v1.10.1_vmware.7',
  },
  'v1.26.11+vmware.1-tkg.1-6d29b7d826cdaa3535e156392e8d18cc': {
    tkg: 'v2.5.0',
    tkr: 'v1.26.11---vmware.1-tkg.1-rc.5',
    etcd: 'v3.5.10_vmware.1',
    coreDns: 'v1.9.3_vmware.19',
  },
  'v1.26.8+vmware.1-tkg.1-b8c57a6c8c98d227f74e7b1a9eef27st': {
    tkg: 'v2.4.0',
    tkr: 'v1.26.8---vmware.1-tkg.1',
    etcd: 'v3.5.6_vmware.20',
    coreDns: 'v1.9.3_vmware.16',
  },
  'v1.26.8+vmware.1-tkg.1-0edd4dafbefbdb503f64d5472e500cf8': {
    tkg: 'v2.3.1',
    tkr: 'v1.26.8---vmware.1-tkg.2',
    etcd: 'v3.5.6_vmware.20',
    coreDns: 'v1.9.3_vmware.16',
  },
  'v1.25.13+vmware.1-tkg.1-0031669997707d1c644156b8fc31ebst': {
    tkg: 'v2.4.0',
    tkr: 'v1.25.13---vmware.1-tkg.1',
    etcd: 'v3.5.6_vmware.20',
    coreDns: 'v1.9.3_vmware.16',
  },
  'v1.25.13+vmware.1-tkg.1-6f7650434fd3787d751e8fb3c9e2153d': {
    tkg: 'v2.3.1',
    tkr: 'v1.25.13---vmware.1-tkg.2',
    etcd: 'v3.5.6_vmware.20',
    coreDns: 'v1.9.3_vmware.11',
  },
  'v1.25.7+vmware.2-tkg.1-8a74b9f12e488c54605b3537acb683bc': {
    tkg: 'v2.2.0',
    tkr: 'v1.25.7---vmware.2-tkg.1',
    etcd: 'v3.5.6_vmware.9',
    coreDns: 'v1.9.3_vmware.8',
  },
  'v1.24.17+vmware.1-tkg.1-9f70d901a7d851fb115411e6790fdeae': {
    tkg: 'v2.3.1',
    tkr: 'v1.24.17---vmware.1-tkg.1',
    etcd: 'v3.5.6_vmware.19',
    coreDns: 'v1.8.6_vmware.26',
  },
  'v1.24.11+vmware.1-tkg.1-2ccb2a001f8bd8f15f1bfbc811071830': {
    tkg: 'v2.2.0',
    tkr: 'v1.24.11---vmware.1-tkg.1',
    etcd: 'v3.5.6_vmware.10',
    coreDns: 'v1.8.6_vmware.18',
  },
  'v1.24.10+vmware.1-tkg.1-765d418b72c247c2310384e640ee075e': {
    tkg: 'v2.1.1',
    tkr: 'v1.24.10---vmware.1-tkg.2',
    etcd: 'v3.5.6_vmware.6',
    coreDns: 'v1.8.6_vmware.17',
  },
  'v1.23.17+vmware.1-tkg.1-ee4d95d5d08cd7f31da47d1480571754': {
    tkg: 'v2.2.0',
    tkr: 'v1.23.17---vmware.1-tkg.1',
    etcd: 'v3.5.6_vmware.11',
    coreDns: 'v1.8.6_vmware.19',
  },
  'v1.23.16+vmware.1-tkg.1-eb0de9755338b944ea9652e6f758b3ce': {
    tkg: 'v2.1.1',
    tkr: 'v1.23.16---vmware.1-tkg.1',
    etcd: 'v3.5.6_vmware.5',
    coreDns: 'v1.8.6_vmware.16',
  },
  'v1.22.17+vmware.1-tkg.1-df08b304658a6cf17f5e74dc0ab7543c': {
    tkg: 'v2.1.1',
    tkr: 'v1.22.17---vmware.1-tkg.1',
    etcd: 'v3.5.6_vmware.1',
    coreDns: 'v1.8.4_vmware.10',
  },
  'v1.22.9+vmware.1-tkg.1-2182cbabee08edf480ee9bc5866d6933': {
    tkg: 'v1.5.4',
    tkr: 'v1.22.9---vmware.1-tkg.1',
    etcd: 'v3.5.4_vmware.2',
    coreDns: 'v1.8.4_vmware.9',
  },
  'v1.21.11+vmware.1-tkg.2-d788dbbb335710c0a0d1a28670057896': {
    tkg: 'v1.5.4',
    tkr: 'v1.21.11---vmware.1-tkg.2',
    etcd: 'v3.4.13_vmware.27',
    coreDns: 'v1.8.0_vmware.13',
  },
  'v1.21.8+vmware.1-tkg.2-ed3c93616a02968be452fe1934a1d37c': {
    tkg: 'v1.4.3',
    tkr: 'v1.21.8---vmware.1-tkg.2',
    etcd: 'v3.4.13_vmware.25',
    coreDns: 'v1.8.0_vmware.11',
  },
  'v1.20.15+vmware.1-tkg.2-839faf7d1fa7fa356be22b72170ce1a8': {
    tkg: 'v1.5.4',
    tkr: 'v1.20.15---vmware.1-tkg.2',
    etcd: 'v3.4.13_vmware.23',
    coreDns: 'v1.7.0_vmware.15',
  },
  'v1.20.14+vmware.1-tkg.2-5a5027ce2528a6229acb35b38ff8084e': {
    tkg: 'v1.4.3',
    tkr: 'v1.20.14---vmware.1-tkg.2',
    etcd: 'v3.4.13_vmware.23',
    coreDns: 'v1.7.0_vmware.15',
  },
  'v1.19.16+vmware.1-tkg.2-fba68db15591c15fcd5f26b512663a42': {
    tkg: 'v1.4.3',
    tkr: 'v1.19.16---vmware.1-tkg.2',
    etcd: 'v3.4.13_vmware.19',
    coreDns: 'v1.7.0_vmware.15',
  },
};

/** What a TKG image's `VERSION` means for a cluster built from it. */
export interface TkgVersionBundle {
  /** The `VERSION` product property, e.g. `v1.28.11+vmware.2-tkg.2-7820f47053de95b5aaf7e33a17511e47`. */
  version: string;
  /** The part of `VERSION` before the first `-`, e.g. `v1.28.11+vmware.2` (as go-vcloud-director splits it). */
  kubernetesVersion: string;
  tkgVersion: string;
  tkr: string;
  etcdImageTag: string;
  coreDnsImageTag: string;
}

/** The bundle of a `VERSION`, or undefined when it is not a TKG image version this worker knows. */
export function tkgVersionBundle(version: string): TkgVersionBundle | undefined {
  const release = Object.hasOwn(tkgReleases, version) ? tkgReleases[version] : undefined;
  if (!release) return undefined;
  return {
    version,
    kubernetesVersion: version.split('-')[0]!,
    tkgVersion: release.tkg,
    tkr: release.tkr,
    etcdImageTag: release.etcd,
    coreDnsImageTag: release.coreDns,
  };
}
