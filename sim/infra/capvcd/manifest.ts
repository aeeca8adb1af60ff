import { parseAllDocuments } from 'yaml';

/**
 * What CAPVCD and Cluster API read from the applied manifest: the Cluster, its VCDCluster (where
 * the VMs go), the KubeadmControlPlane and the MachineDeployments with their VCDMachineTemplates.
 * Parsed from Cluster API's public shapes (cluster.x-k8s.io/v1beta1, CAPVCD v1beta2), never by
 * importing the worker's renderer.
 */
export class ManifestError extends Error {
  override readonly name = 'ManifestError';
}

export interface ManifestObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}

export interface MachineTemplate {
  name: string;
  catalog: string;
  template: string;
  sizingPolicy: string | null;
  placementPolicy: string | null;
  storageProfile: string | null;
  diskSizeMb: number | null;
}

export interface MachineGroup {
  /** KubeadmControlPlane or MachineDeployment name (VM names start with it). */
  name: string;
  replicas: number;
  version: string;
  machine: MachineTemplate;
}

/**
 * Where kubeadm takes the control-plane images from: `KubeadmControlPlane.spec.kubeadmConfigSpec.clusterConfiguration`
 * (`imageRepository`, `dns.imageRepository`/`imageTag`, `etcd.local.imageRepository`/`imageTag`; Cluster API
 * bootstrap v1beta1 `ClusterConfiguration`, as CAPVCD's templates set them). Null where the manifest leaves it out.
 */
export interface KubeadmImages {
  imageRepository: string | null;
  dns: { imageRepository: string | null; imageTag: string | null };
  etcd: { imageRepository: string | null; imageTag: string | null };
}

export interface WorkloadClusterManifest {
  clusterName: string;
  namespace: string;
  org: string;
  ovdc: string;
  ovdcNetwork: string;
  /** `VCDCluster.spec.rdeId`: the infra id in load balancer names. */
  rdeId: string | null;
  controlPlaneEndpoint: { host: string; port: number } | null;
  controlPlane: MachineGroup;
  /** The KubeadmControlPlane's image settings, which kubeadm pulls with. */
  kubeadmImages: KubeadmImages;
  workerPools: MachineGroup[];
  /** Every document, for the pivot (`clusterctl move` copies them into the workload cluster). */
  objects: ManifestObject[];
}

type Fields = Record<string, unknown>;

function fieldsAt(object: Fields, path: string): Fields {
  let current: unknown = object;
  for (const key of path.split('.')) current = (current as Fields | undefined)?.[key];
  return current && typeof current === 'object' && !Array.isArray(current) ? (current as Fields) : {};
}

function text(object: Fields, key: string, where: string): string {
  const value = object[key];
  if (typeof value !== 'string' || value === '') throw new ManifestError(`${where}: ${key} is required`);
  return value;
}

const optionalText = (object: Fields, key: string): string | null =>
  typeof object[key] === 'string' && object[key] !== '' ? (object[key] as string) : null;

/** `20Gi`, `20480Mi`, `21474836480` → MB. */
export function quantityToMb(value: unknown): number | null {
  if (typeof value === 'number') return Math.ceil(value / 2 ** 20);
  if (typeof value !== 'string') return null;
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|K|M|G|T)?$/.exec(value.trim());
  if (!match) return null;
  const factors: Record<string, number> = {
    '': 1,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    K: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
  };
  return Math.ceil((Number(match[1]) * factors[match[2] ?? '']!) / 2 ** 20);
}

function replicasOf(spec: Fields, where: string): number {
  const value = spec['replicas'] ?? 1;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 100)
    throw new ManifestError(`${where}: spec.replicas must be a whole number from 0 to 100`);
  return value;
}

/** Parses every YAML document; a document that is not a Kubernetes object is kubectl's error. */
export function parseManifestObjects(yamlText: string): ManifestObject[] {
  const objects: ManifestObject[] = [];
  for (const document of parseAllDocuments(yamlText)) {
    if (document.errors.length > 0)
      throw new ManifestError(`error converting YAML to JSON: ${document.errors[0]!.message.split('\n')[0]}`);
    const value: unknown = document.toJS();
    if (value === null || value === undefined) continue;
    const object = value as Partial<ManifestObject>;
    if (
      typeof object !== 'object' ||
      typeof object.kind !== 'string' ||
      typeof object.apiVersion !== 'string'
    )
      throw new ManifestError('error validating data: apiVersion and kind must be set on every object');
    if (typeof object.metadata?.name !== 'string')
      throw new ManifestError(`error validating data: ${object.kind} has no metadata.name`);
    objects.push(object as ManifestObject);
  }
  return objects;
}

/** Reads the cluster the manifest describes, as Cluster API and CAPVCD would resolve it. */
export function readWorkloadClusterManifest(yamlText: string): WorkloadClusterManifest {
  const objects = parseManifestObjects(yamlText);
  const find = (kind: string, name: string, namespace: string) =>
    objects.find(
      (object) =>
        object.kind === kind &&
        object.metadata.name === name &&
        (object.metadata.namespace ?? 'default') === namespace,
    ) as (ManifestObject & Fields) | undefined;
  const cluster = objects.find(
    (object) => object.kind === 'Cluster' && object.apiVersion.startsWith('cluster.x-k8s.io/'),
  );
  if (!cluster) throw new ManifestError('the manifest has no Cluster (cluster.x-k8s.io)');
  const clusterName = cluster.metadata.name;
  const namespace = cluster.metadata.namespace ?? 'default';
  const clusterSpec = fieldsAt(cluster, 'spec');

  const infraRef = fieldsAt(clusterSpec, 'infrastructureRef');
  const vcdCluster = find(
    'VCDCluster',
    text(infraRef, 'name', `Cluster ${clusterName} infrastructureRef`),
    namespace,
  );
  if (!vcdCluster)
    throw new ManifestError(`VCDCluster ${String(infraRef['name'])} not found in namespace ${namespace}`);
  const vcdSpec = fieldsAt(vcdCluster, 'spec');
  const where = `VCDCluster ${vcdCluster.metadata.name}`;
  const endpoint = fieldsAt(vcdSpec, 'controlPlaneEndpoint');

  const machineTemplate = (name: string): MachineTemplate => {
    const object = find('VCDMachineTemplate', name, namespace);
    if (!object) throw new ManifestError(`VCDMachineTemplate ${name} not found in namespace ${namespace}`);
    const spec = fieldsAt(object, 'spec.template.spec');
    return {
      name,
      catalog: text(spec, 'catalog', `VCDMachineTemplate ${name}`),
      template: text(spec, 'template', `VCDMachineTemplate ${name}`),
      sizingPolicy: optionalText(spec, 'sizingPolicy'),
      placementPolicy: optionalText(spec, 'placementPolicy'),
      storageProfile: optionalText(spec, 'storageProfile'),
      diskSizeMb: quantityToMb(spec['diskSize']),
    };
  };

  const controlPlaneRef = fieldsAt(clusterSpec, 'controlPlaneRef');
  const kcpName = text(controlPlaneRef, 'name', `Cluster ${clusterName} controlPlaneRef`);
  const kcp = find('KubeadmControlPlane', kcpName, namespace);
  if (!kcp) throw new ManifestError(`KubeadmControlPlane ${kcpName} not found in namespace ${namespace}`);
  const kcpSpec = fieldsAt(kcp, 'spec');
  const controlPlane: MachineGroup = {
    name: kcpName,
    replicas: replicasOf(kcpSpec, `KubeadmControlPlane ${kcpName}`),
    version: text(kcpSpec, 'version', `KubeadmControlPlane ${kcpName}`),
    machine: machineTemplate(
      text(fieldsAt(kcpSpec, 'machineTemplate.infrastructureRef'), 'name', `KubeadmControlPlane ${kcpName}`),
    ),
  };

  const configuration = fieldsAt(kcpSpec, 'kubeadmConfigSpec.clusterConfiguration');
  const kubeadmImages: KubeadmImages = {
    imageRepository: optionalText(configuration, 'imageRepository'),
    dns: {
      imageRepository: optionalText(fieldsAt(configuration, 'dns'), 'imageRepository'),
      imageTag: optionalText(fieldsAt(configuration, 'dns'), 'imageTag'),
    },
    etcd: {
      imageRepository: optionalText(fieldsAt(configuration, 'etcd.local'), 'imageRepository'),
      imageTag: optionalText(fieldsAt(configuration, 'etcd.local'), 'imageTag'),
    },
  };

  const workerPools = objects
    .filter(
      (object) =>
        object.kind === 'MachineDeployment' &&
        (object.metadata.namespace ?? 'default') === namespace &&
        fieldsAt(object, 'spec')['clusterName'] === clusterName,
    )
    .map((deployment): MachineGroup => {
      const name = deployment.metadata.name;
      const spec = fieldsAt(deployment, 'spec');
      const template = fieldsAt(spec, 'template.spec');
      return {
        name,
        replicas: replicasOf(spec, `MachineDeployment ${name}`),
        version: text(template, 'version', `MachineDeployment ${name}`),
        machine: machineTemplate(
          text(fieldsAt(template, 'infrastructureRef'), 'name', `MachineDeployment ${name}`),
        ),
      };
    });

  return {
    clusterName,
    namespace,
    org: text(vcdSpec, 'org', where),
    ovdc: text(vcdSpec, 'ovdc', where),
    ovdcNetwork: text(vcdSpec, 'ovdcNetwork', where),
    rdeId: optionalText(vcdSpec, 'rdeId'),
    controlPlaneEndpoint:
      typeof endpoint['host'] === 'string' && endpoint['host'] !== ''
        ? { host: endpoint['host'], port: typeof endpoint['port'] === 'number' ? endpoint['port'] : 6443 }
        : null,
    controlPlane,
    kubeadmImages,
    workerPools,
    objects,
  };
}
