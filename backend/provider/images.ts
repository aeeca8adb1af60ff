/**
 * Every container image and artifact a cluster creation fetches, from the settings: what a provider mirrors for an
 * air-gapped site (`cse images`). Binaries and manifests are URLs (the mirror's when one is configured); images are
 * references as the bootstrap VM pulls them (the provider image registry replaces their repository when set).
 */
import { bootstrapDownloads } from '../bootstrap/cloud-init.ts';
import type { SettingsDocument } from './settings.ts';

export interface Artifact {
  kind: 'binary' | 'image' | 'manifest';
  /** What it is for. */
  component: string;
  version: string;
  /** A URL (binaries, manifests) or an image reference. */
  reference: string;
}

/** Images clusterctl installs per provider, as upstream publishes them. */
function providerImages(settings: SettingsDocument): Omit<Artifact, 'kind'>[] {
  const { clusterApi, capvcd, certManager } = settings.components;
  const cm = certManager ?? 'v1.14.5';
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
  const downloads = bootstrapDownloads(components, settings.registry.binaryMirror);
  const releases = (repo: string, version: string, file: string) =>
    `https://github.com/${repo}/releases/download/${version}/${file}`;
  const manifests: Artifact[] = [
    ['cluster-api core', 'kubernetes-sigs/cluster-api', components.clusterApi, 'core-components.yaml'],
    [
      'kubeadm bootstrap provider',
      'kubernetes-sigs/cluster-api',
      components.clusterApi,
      'bootstrap-components.yaml',
    ],
    [
      'kubeadm control-plane provider',
      'kubernetes-sigs/cluster-api',
      components.clusterApi,
      'control-plane-components.yaml',
    ],
    [
      'CAPVCD',
      'vmware/cluster-api-provider-cloud-director',
      components.capvcd,
      'infrastructure-components.yaml',
    ],
  ].map(([component, repo, version, file]) => ({
    kind: 'manifest' as const,
    component: component!,
    version: version!,
    reference: releases(repo!, version!, file!),
  }));
  return [
    { kind: 'binary', component: 'kind', version: components.kind, reference: downloads.kind },
    {
      kind: 'binary',
      component: 'clusterctl',
      version: components.clusterctl,
      reference: downloads.clusterctl,
    },
    { kind: 'binary', component: 'kubectl', version: components.kubectl, reference: downloads.kubectl },
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
