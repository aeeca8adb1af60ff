/**
 * The CustomResourceDefinitions `clusterctl init` installs in the workload cluster before the
 * move: Cluster API core, kubeadm bootstrap and control plane, and CAPVCD's infrastructure kinds.
 * Schemas accept any fields (the emulation does not validate CAPI objects).
 */
interface CapiKind {
  group: string;
  kind: string;
  plural: string;
  shortNames?: string[];
  /** Served versions, the first one stored. */
  versions: string[];
}

const core = 'cluster.x-k8s.io';
const kubeadmControlPlane = 'controlplane.cluster.x-k8s.io';
const kubeadmBootstrap = 'bootstrap.cluster.x-k8s.io';
const infrastructure = 'infrastructure.cluster.x-k8s.io';

export const capiKinds: readonly CapiKind[] = [
  { group: core, kind: 'Cluster', plural: 'clusters', shortNames: ['cl'], versions: ['v1beta1'] },
  { group: core, kind: 'Machine', plural: 'machines', shortNames: ['ma'], versions: ['v1beta1'] },
  {
    group: core,
    kind: 'MachineDeployment',
    plural: 'machinedeployments',
    shortNames: ['md'],
    versions: ['v1beta1'],
  },
  { group: core, kind: 'MachineSet', plural: 'machinesets', shortNames: ['ms'], versions: ['v1beta1'] },
  {
    group: core,
    kind: 'MachineHealthCheck',
    plural: 'machinehealthchecks',
    shortNames: ['mhc'],
    versions: ['v1beta1'],
  },
  {
    group: kubeadmControlPlane,
    kind: 'KubeadmControlPlane',
    plural: 'kubeadmcontrolplanes',
    shortNames: ['kcp'],
    versions: ['v1beta1'],
  },
  { group: kubeadmBootstrap, kind: 'KubeadmConfig', plural: 'kubeadmconfigs', versions: ['v1beta1'] },
  {
    group: kubeadmBootstrap,
    kind: 'KubeadmConfigTemplate',
    plural: 'kubeadmconfigtemplates',
    versions: ['v1beta1'],
  },
  { group: infrastructure, kind: 'VCDCluster', plural: 'vcdclusters', versions: ['v1beta2', 'v1beta1'] },
  { group: infrastructure, kind: 'VCDMachine', plural: 'vcdmachines', versions: ['v1beta2', 'v1beta1'] },
  {
    group: infrastructure,
    kind: 'VCDMachineTemplate',
    plural: 'vcdmachinetemplates',
    versions: ['v1beta2', 'v1beta1'],
  },
];

export function capiCrd(kind: CapiKind): Record<string, unknown> {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${kind.plural}.${kind.group}`,
      labels: {
        'cluster.x-k8s.io/provider': kind.group === infrastructure ? 'infrastructure-vcd' : 'cluster-api',
      },
    },
    spec: {
      group: kind.group,
      scope: 'Namespaced',
      names: {
        kind: kind.kind,
        listKind: `${kind.kind}List`,
        plural: kind.plural,
        singular: kind.kind.toLowerCase(),
        shortNames: kind.shortNames ?? [],
        categories: ['cluster-api'],
      },
      versions: kind.versions.map((version, index) => ({
        name: version,
        served: true,
        storage: index === 0,
        subresources: { status: {} },
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
      })),
    },
  };
}

/** The plural of a manifest kind served by these CRDs or the built-ins the manifest uses. */
export function pluralOf(apiVersion: string, kind: string): string | undefined {
  if (apiVersion === 'v1')
    return (
      { Namespace: 'namespaces', Secret: 'secrets', ConfigMap: 'configmaps' } as Record<string, string>
    )[kind];
  const group = apiVersion.split('/')[0];
  return capiKinds.find((candidate) => candidate.group === group && candidate.kind === kind)?.plural;
}
