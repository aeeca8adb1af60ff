/**
 * What the emulated API server serves: built-in resource types and, once their CRDs exist,
 * custom ones. One entry per (group, version, plural).
 */
export interface ResourceType {
  group: string;
  version: string;
  /** Plural, lower case: the URL segment (`deployments`). */
  plural: string;
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  /** Writes to the main resource keep `status`; `/status` writes change only `status`. */
  hasStatus: boolean;
  /** From a CustomResourceDefinition (then `crdName` names it). */
  crdName?: string;
}

export const groupVersionOf = (type: { group: string; version: string }): string =>
  type.group ? `${type.group}/${type.version}` : type.version;

const verbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
export const resourceVerbs = (): string[] => [...verbs];

function builtIn(
  groupVersion: string,
  kind: string,
  plural: string,
  namespaced: boolean,
  options: { shortNames?: string[]; hasStatus?: boolean; categories?: string[] } = {},
): ResourceType {
  const [group, version] = groupVersion.includes('/') ? groupVersion.split('/') : ['', groupVersion];
  return {
    group: group!,
    version: version!,
    plural,
    singular: kind.toLowerCase(),
    kind,
    listKind: `${kind}List`,
    namespaced,
    shortNames: options.shortNames ?? [],
    categories: options.categories ?? [],
    hasStatus: options.hasStatus ?? false,
  };
}

/** The built-in kinds Contour's manifest, the worker, `get nodes` and `get pods` need. */
export const builtInResources: readonly ResourceType[] = [
  builtIn('v1', 'Namespace', 'namespaces', false, { shortNames: ['ns'], hasStatus: true }),
  builtIn('v1', 'Node', 'nodes', false, { shortNames: ['no'], hasStatus: true }),
  builtIn('v1', 'Pod', 'pods', true, { shortNames: ['po'], hasStatus: true, categories: ['all'] }),
  builtIn('v1', 'Service', 'services', true, { shortNames: ['svc'], hasStatus: true, categories: ['all'] }),
  builtIn('v1', 'Endpoints', 'endpoints', true, { shortNames: ['ep'] }),
  builtIn('v1', 'ConfigMap', 'configmaps', true, { shortNames: ['cm'] }),
  builtIn('v1', 'Secret', 'secrets', true),
  builtIn('v1', 'ServiceAccount', 'serviceaccounts', true, { shortNames: ['sa'] }),
  builtIn('v1', 'Event', 'events', true, { shortNames: ['ev'] }),
  builtIn('apps/v1', 'Deployment', 'deployments', true, {
    shortNames: ['deploy'],
    hasStatus: true,
    categories: ['all'],
  }),
  builtIn('apps/v1', 'DaemonSet', 'daemonsets', true, {
    shortNames: ['ds'],
    hasStatus: true,
    categories: ['all'],
  }),
  builtIn('apps/v1', 'ReplicaSet', 'replicasets', true, {
    shortNames: ['rs'],
    hasStatus: true,
    categories: ['all'],
  }),
  builtIn('apps/v1', 'StatefulSet', 'statefulsets', true, {
    shortNames: ['sts'],
    hasStatus: true,
    categories: ['all'],
  }),
  builtIn('batch/v1', 'Job', 'jobs', true, { hasStatus: true, categories: ['all'] }),
  builtIn('rbac.authorization.k8s.io/v1', 'Role', 'roles', true),
  builtIn('rbac.authorization.k8s.io/v1', 'RoleBinding', 'rolebindings', true),
  builtIn('rbac.authorization.k8s.io/v1', 'ClusterRole', 'clusterroles', false),
  builtIn('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'clusterrolebindings', false),
  builtIn('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'customresourcedefinitions', false, {
    shortNames: ['crd', 'crds'],
    hasStatus: true,
  }),
  builtIn('networking.k8s.io/v1', 'IngressClass', 'ingressclasses', false),
  builtIn('networking.k8s.io/v1', 'Ingress', 'ingresses', true, { shortNames: ['ing'], hasStatus: true }),
  builtIn('coordination.k8s.io/v1', 'Lease', 'leases', true),
  builtIn('storage.k8s.io/v1', 'StorageClass', 'storageclasses', false, { shortNames: ['sc'] }),
  builtIn('policy/v1', 'PodDisruptionBudget', 'poddisruptionbudgets', true, {
    shortNames: ['pdb'],
    hasStatus: true,
  }),
];

/** JSON shape of the parts of a CustomResourceDefinition the server reads. */
export interface CrdSpec {
  group: string;
  scope: 'Namespaced' | 'Cluster';
  names: {
    plural: string;
    singular?: string;
    kind: string;
    listKind?: string;
    shortNames?: string[];
    categories?: string[];
  };
  versions: { name: string; served: boolean; storage?: boolean; subresources?: { status?: object } }[];
}

/** The resource types a CRD serves (one per served version). */
export function resourcesOfCrd(crdName: string, spec: CrdSpec): ResourceType[] {
  return spec.versions
    .filter((version) => version.served)
    .map((version) => ({
      group: spec.group,
      version: version.name,
      plural: spec.names.plural,
      singular: spec.names.singular ?? spec.names.kind.toLowerCase(),
      kind: spec.names.kind,
      listKind: spec.names.listKind ?? `${spec.names.kind}List`,
      namespaced: spec.scope !== 'Cluster',
      shortNames: spec.names.shortNames ?? [],
      categories: spec.names.categories ?? [],
      hasStatus: version.subresources?.status !== undefined,
      crdName,
    }));
}

/** The built-in types plus those of the current CRDs, looked up by URL parts or by kind. */
export class ResourceRegistry {
  #custom = new Map<string, ResourceType[]>();

  all(): ResourceType[] {
    return [...builtInResources, ...[...this.#custom.values()].flat()];
  }

  setCrd(crdName: string, types: ResourceType[]): void {
    this.#custom.set(crdName, types);
  }

  removeCrd(crdName: string): void {
    this.#custom.delete(crdName);
  }

  byUrl(group: string, version: string, plural: string): ResourceType | undefined {
    return this.all().find(
      (type) => type.group === group && type.version === version && type.plural === plural,
    );
  }

  byKind(apiVersion: string, kind: string): ResourceType | undefined {
    return this.all().find((type) => groupVersionOf(type) === apiVersion && type.kind === kind);
  }

  /** Group → versions in the order served (the first is preferred). */
  groups(): Map<string, string[]> {
    const groups = new Map<string, string[]>();
    for (const type of this.all()) {
      if (type.group === '') continue;
      const versions = groups.get(type.group) ?? [];
      if (!versions.includes(type.version)) versions.push(type.version);
      groups.set(type.group, versions);
    }
    return groups;
  }

  inGroupVersion(group: string, version: string): ResourceType[] {
    return this.all().filter((type) => type.group === group && type.version === version);
  }
}
