/**
 * Every container image and artifact a cluster creation fetches, from the settings: what a provider mirrors for an
 * air-gapped site (`cse images`). Binaries and manifests are URLs (the mirror's when one is configured); images are
 * references as the bootstrap VM pulls them (the provider image registry replaces their repository when set).
 */
import { bootstrapDownloads } from '../bootstrap/cloud-init.ts';
import {
  clusterctlRepositoryFiles,
  DEFAULT_CERT_MANAGER_VERSION,
} from '../bootstrap/clusterctl-repository.ts';
import type { AddonName } from '../addons/vcd-addons.ts';
import { addonSources, type SettingsDocument } from './settings.ts';

const addonComponentNames: Readonly<Record<AddonName, string>> = {
  antrea: 'Antrea (CNI)',
  cpi: 'cloud provider for Cloud Director (CPI)',
  csi: 'named-disk CSI driver',
};

export interface Artifact {
  kind: 'binary' | 'image' | 'manifest';
  /** What it is for. */
  component: string;
  version: string;
  /** A URL (binaries, manifests) or an image reference: where a cluster creation fetches it. */
  reference: string;
  /** Where to copy it from onto the mirror, when `reference` is the mirror's. */
  upstream?: string;
}

/** Images clusterctl installs per provider, as upstream publishes them. */
function providerImages(settings: SettingsDocument): Omit<Artifact, 'kind'>[] {
  const { clusterApi, capvcd, certManager } = settings.components;
  const cm = certManager ?? DEFAULT_CERT_MANAGER_VERSION;
  return [
    {
      component: 'cluster-api core',
      version: clusterApi,
      reference: `registry.k8s.io/cluster-api/cluster-api-controller:${clusterApi}`,
    },
    {
      component: 'kubeadm bootstrap provider',
      version: clusterApi,
      reference: `registry.k8s.io/cluster-api/kubeadm-bootstrap-controller:${clusterApi}`,
    },
    {
      component: 'kubeadm control-plane provider',
      version: clusterApi,
      reference: `registry.k8s.io/cluster-api/kubeadm-control-plane-controller:${clusterApi}`,
    },
    {
      component: 'CAPVCD',
      version: capvcd,
      reference: `projects.registry.vmware.com/vmware-cloud-director/cluster-api-provider-cloud-director:${capvcd.replace(/^v/, '')}`,
    },
    ...['cert-manager-controller', 'cert-manager-cainjector', 'cert-manager-webhook'].map((name) => ({
      component: 'cert-manager',
      version: cm,
      reference: `quay.io/jetstack/${name}:${cm}`,
    })),
  ];
}

function rehome(reference: string, registry: string | undefined): string {
  if (!registry) return reference;
  const path = reference.split('/').slice(1).join('/');
  return `${registry.replace(/\/+$/, '')}/${path}`;
}

export function clusterArtifacts(settings: SettingsDocument): Artifact[] {
  const components = settings.components;
  const binaryMirror = settings.registry.binaryMirror;
  const downloads = bootstrapDownloads(components, binaryMirror);
  const upstreamDownloads = bootstrapDownloads(components);
  const binary = (tool: 'kind' | 'clusterctl' | 'kubectl', version: string): Artifact => ({
    kind: 'binary',
    component: tool,
    version,
    reference: downloads[tool],
    ...(binaryMirror ? { upstream: upstreamDownloads[tool] } : {}),
  });
  // Components files, metadata.yaml and cert-manager's manifest: what clusterctl init reads.
  const mirror = settings.registry.componentsMirror;
  const manifests: Artifact[] = clusterctlRepositoryFiles(components, mirror).map((file) => ({
    kind: 'manifest',
    component: file.component,
    version: file.version,
    reference: file.url,
    ...(mirror ? { upstream: file.upstream } : {}),
  }));
  return [
    binary('kind', components.kind),
    binary('clusterctl', components.clusterctl),
    binary('kubectl', components.kubectl),
    {
      kind: 'image',
      component: 'kind node',
      version: components.kindNodeImage.split(':').pop() ?? '',
      reference: components.kindNodeImage,
    },
    ...providerImages(settings).map((image) => ({
      ...image,
      kind: 'image' as const,
      reference: rehome(image.reference, settings.registry.providerImageRegistry),
    })),
    ...manifests,
    // The CNI, CPI and CSI manifests the bootstrap VM downloads (their URLs are the provider's, a mirror's when
    // air-gapped); their images are named in the manifests themselves.
    ...addonSources(components).map((source): Artifact => ({
      kind: 'manifest',
      component: addonComponentNames[source.name],
      version: source.version,
      reference: source.url,
    })),
    {
      kind: 'manifest',
      component: 'Contour',
      version: components.contour.version,
      reference: components.contour.manifestFile ?? components.contour.manifestUrl,
    },
    {
      kind: 'image',
      component: 'Contour',
      version: components.contour.version,
      reference: `ghcr.io/projectcontour/contour:${components.contour.version}`,
    },
    {
      kind: 'image',
      component: 'Kubernetes (etcd, CoreDNS, control plane)',
      version: 'per TKG template',
      reference: `${settings.registry.imageRegistry}/*`,
    },
  ];
}
