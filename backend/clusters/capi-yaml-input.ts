/**
 * Reads a cluster's `spec.capiYaml` as a tenant (or go-vcloud-director, or Terraform) wrote it, refuses what a
 * cluster does not need or what would let CAPVCD or the bootstrap VM act outside the tenant, and answers the cluster's
 * topology. `spec.capiYaml` is the CSE 4.2 entity's authoritative statement of topology, so every view of pools,
 * counts and versions is read back through here.
 *
 * What a well-formed document holds is taken from the producers our users already run: go-vcloud-director's
 * `govcd/cse/4.2/capiyaml_cluster.tmpl`, `capiyaml_workerpool.tmpl` and `capiyaml_mhc.tmpl`, and how it reads them
 * back (`govcd/cse_util.go` `cseConvertToCseKubernetesClusterType`: the control plane is the VCDMachineTemplate the
 * KubeadmControlPlane names, pools are MachineDeployments with their VCDMachineTemplate, `diskSize` is a quantity
 * such as `20Gi`, the TKG version is the Cluster's `TKGVERSION` annotation). Field names of VCDCluster and
 * VCDMachineTemplate: CAPVCD v1.3.2 `api/v1beta2/*_types.go`.
 */
import { parseAllDocuments } from 'yaml';

/** Above this, a document is refused unread (go-vcloud-director's documents are about 10 KiB). */
export const CAPI_YAML_MAX_BYTES = 256 * 1024;
const MAX_DOCUMENTS = 64;

/** The API groups and versions a cluster's documents may use: CAPVCD 1.3 and Cluster API 1.7 serve these. */
const allowedKinds: Record<string, readonly string[]> = {
  Cluster: ['cluster.x-k8s.io/v1beta1'],
  MachineDeployment: ['cluster.x-k8s.io/v1beta1'],
  MachineHealthCheck: ['cluster.x-k8s.io/v1beta1'],
  KubeadmControlPlane: ['controlplane.cluster.x-k8s.io/v1beta1'],
  KubeadmConfigTemplate: ['bootstrap.cluster.x-k8s.io/v1beta1'],
  VCDCluster: ['infrastructure.cluster.x-k8s.io/v1beta2', 'infrastructure.cluster.x-k8s.io/v1beta1'],
  VCDMachineTemplate: ['infrastructure.cluster.x-k8s.io/v1beta2', 'infrastructure.cluster.x-k8s.io/v1beta1'],
};

/** Fields of `VCDCluster.spec` a cluster may set (CAPVCD v1beta2 `VCDClusterSpec`); anything else is refused. */
const vcdClusterFields = new Set([
  'site',
  'org',
  'ovdc',
  'ovdcNetwork',
  'controlPlaneEndpoint',
  'loadBalancerConfigSpec',
  'proxyConfigSpec',
  'useAsManagementCluster',
  'rdeId',
  'userContext',
]);

/** Fields of a VCDMachineTemplate's machine spec (CAPVCD v1beta2 `VCDMachineSpec`) a cluster may set. */
const vcdMachineFields = new Set([
  'catalog',
  'template',
  'sizingPolicy',
  'placementPolicy',
  'storageProfile',
  'diskSize',
  'enableNvidiaGPU',
]);

const dnsSubdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const ipv4 = /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const ipv4Cidr =
  /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\/([0-9]|[12]\d|3[0-2])$/;

/** What the document must agree with: the entity it is in and this Cloud Director. */
export interface CapiYamlExpectations {
  /** The entity's name (go-vcloud-director names the entity and the Cluster alike). */
  clusterName: string;
  /** Name of the org that owns the entity. */
  org: string;
  /** This Cloud Director's public URL, as CAPVCD must reach it (`VCDCluster.spec.site`). */
  site: string;
  /** The entity's own id: `VCDCluster.spec.rdeId` may only name it. */
  entityId?: string;
}

export interface CapiNodeGroup {
  sizingPolicy?: string;
  placementPolicy?: string;
  storageProfile?: string;
  diskGiB: number;
}

export interface CapiWorkerPool extends CapiNodeGroup {
  /** The MachineDeployment's name. */
  name: string;
  count: number;
}

/** A cluster as its `capiYaml` states it. */
export interface CapiTopology {
  clusterName: string;
  namespace: string;
  site: string;
  org: string;
  orgVdc: string;
  network: string;
  rdeId?: string;
  controlPlaneHost?: string;
  vipSubnet?: string;
  /** The vApp template every node is made from. */
  template: { catalog: string; name: string };
  kubernetesVersion: string;
  /** The Cluster's `TKGVERSION` annotation, when present. */
  tkgVersion?: string;
  controlPlane: CapiNodeGroup & { count: number };
  workerPools: CapiWorkerPool[];
  podCidr?: string;
  serviceCidr?: string;
  sshKey?: string;
  nodeHealthCheck: boolean;
}

export interface CapiYamlProblem {
  /** Where in the YAML: `VCDCluster/demo spec.site`, or `document 3`. */
  at: string;
  message: string;
}

export type CapiYamlReading =
  { ok: true; topology: CapiTopology } | { ok: false; problems: CapiYamlProblem[] };

type Fields = Record<string, unknown>;

interface Document {
  index: number;
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  body: Fields;
}

const isRecord = (value: unknown): value is Fields =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function at(path: readonly string[], node: unknown): unknown {
  let value = node;
  for (const key of path) {
    if (!isRecord(value)) return undefined;
    value = value[key];
  }
  return value;
}

/** `20Gi`, `20G`, `20480Mi`, `21474836480` → GiB, rounded up; undefined when not a quantity. */
export function quantityToGiB(quantity: unknown): number | undefined {
  const text = typeof quantity === 'number' ? String(quantity) : quantity;
  if (typeof text !== 'string') return undefined;
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(text.trim());
  if (!match) return undefined;
  const units: Record<string, number> = {
    '': 1,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
  };
  const bytes = Number(match[1]) * units[match[2] ?? '']!;
  return Number.isFinite(bytes) && bytes > 0 ? Math.ceil(bytes / 2 ** 30) : undefined;
}

class Reader {
  readonly problems: CapiYamlProblem[] = [];

  refuse(where: string, message: string): void {
    this.problems.push({ at: where, message });
  }

  text(document: Document, path: string[], required: boolean): string | undefined {
    const value = at(path, document.body);
    if (value === undefined || value === null || value === '') {
      if (required) this.refuse(where(document, path), 'is required.');
      return undefined;
    }
    if (typeof value !== 'string') {
      this.refuse(where(document, path), 'must be text.');
      return undefined;
    }
    if (value.length > 512) {
      this.refuse(where(document, path), 'is longer than 512 characters.');
      return undefined;
    }
    return value;
  }

  count(document: Document, path: string[]): number | undefined {
    const value = at(path, document.body);
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      this.refuse(where(document, path), 'must be a whole number of nodes.');
      return undefined;
    }
    return value;
  }
}

function where(document: Document, path: readonly string[] = []): string {
  const name = `${document.kind}/${document.name}`;
  return path.length ? `${name} ${path.join('.')}` : name;
}

function parseDocuments(text: string, reader: Reader): Document[] {
  const parsed = parseAllDocuments(text, { uniqueKeys: true, prettyErrors: false });
  const list = Array.isArray(parsed) ? parsed : [parsed];
  if (list.length > MAX_DOCUMENTS) {
    reader.refuse(
      'spec.capiYaml',
      `holds ${list.length} documents; a cluster needs at most ${MAX_DOCUMENTS}.`,
    );
    return [];
  }
  const documents: Document[] = [];
  list.forEach((raw, index) => {
    const position = `document ${index + 1}`;
    const trouble = [...raw.errors, ...raw.warnings];
    if (trouble.length > 0) {
      reader.refuse(position, `is not valid YAML: ${trouble[0]!.message.split('\n')[0]}`);
      return;
    }
    let value: unknown;
    try {
      value = raw.toJS({ maxAliasCount: 0 });
    } catch (error) {
      reader.refuse(position, `cannot be read: ${(error as Error).message.split('\n')[0]}`);
      return;
    }
    if (value === null || value === undefined) return; // an empty document between separators
    if (!isRecord(value)) {
      reader.refuse(position, 'must be a Kubernetes object (a mapping with apiVersion, kind and metadata).');
      return;
    }
    const apiVersion = value['apiVersion'];
    const kind = value['kind'];
    const name = at(['metadata', 'name'], value);
    const namespace = at(['metadata', 'namespace'], value);
    if (typeof kind !== 'string' || typeof apiVersion !== 'string' || typeof name !== 'string') {
      reader.refuse(position, 'must have text apiVersion, kind and metadata.name.');
      return;
    }
    const versions = allowedKinds[kind];
    if (!versions) {
      reader.refuse(
        `${position} (${kind}/${name})`,
        `kind ${kind} is not allowed: a cluster's capiYaml holds only ${Object.keys(allowedKinds).join(', ')}.`,
      );
      return;
    }
    if (!versions.includes(apiVersion)) {
      reader.refuse(
        `${kind}/${name}`,
        `apiVersion ${apiVersion} is not served; use ${versions.join(' or ')}.`,
      );
      return;
    }
    if (!dnsSubdomain.test(name) || name.length > 63) {
      reader.refuse(`${kind}/${name}`, 'metadata.name must be a DNS-1123 name of at most 63 characters.');
      return;
    }
    if (namespace !== undefined && (typeof namespace !== 'string' || !dnsSubdomain.test(namespace))) {
      reader.refuse(`${kind}/${name}`, 'metadata.namespace must be a DNS-1123 name.');
      return;
    }
    documents.push({
      index,
      apiVersion,
      kind,
      name,
      namespace: namespace as string | undefined,
      body: value,
    });
  });
  return documents;
}

function only(documents: Document[], kind: string, reader: Reader): Document | undefined {
  const found = documents.filter((document) => document.kind === kind);
  if (found.length !== 1) {
    reader.refuse('spec.capiYaml', `must hold exactly one ${kind}; it holds ${found.length}.`);
    return undefined;
  }
  return found[0];
}

function referenced(documents: Document[], from: Document, path: string[], kind: string, reader: Reader) {
  const name = at([...path, 'name'], from.body);
  const refKind = at([...path, 'kind'], from.body);
  if (refKind !== kind || typeof name !== 'string') {
    reader.refuse(where(from, path), `must name a ${kind} of this document.`);
    return undefined;
  }
  const target = documents.find((document) => document.kind === kind && document.name === name);
  if (!target) reader.refuse(where(from, path), `names ${kind}/${name}, which the document does not hold.`);
  return target;
}

function readVcdCluster(document: Document, expect: CapiYamlExpectations, reader: Reader) {
  const spec = at(['spec'], document.body);
  if (!isRecord(spec)) {
    reader.refuse(where(document, ['spec']), 'is required.');
    return undefined;
  }
  for (const field of Object.keys(spec)) {
    if (!vcdClusterFields.has(field)) {
      reader.refuse(where(document, ['spec', field]), 'is not a field a cluster may set.');
    }
  }
  const site = reader.text(document, ['spec', 'site'], true);
  if (site !== undefined && site.replace(/\/+$/, '') !== expect.site.replace(/\/+$/, '')) {
    // The credentials CAPVCD holds would be sent to that site.
    reader.refuse(
      where(document, ['spec', 'site']),
      `must be this Cloud Director, ${expect.site}; it is ${site}.`,
    );
  }
  const org = reader.text(document, ['spec', 'org'], true);
  if (org !== undefined && org !== expect.org) {
    reader.refuse(where(document, ['spec', 'org']), `must be the cluster's own organization, ${expect.org}.`);
  }
  const orgVdc = reader.text(document, ['spec', 'ovdc'], true);
  const network = reader.text(document, ['spec', 'ovdcNetwork'], true);
  const rdeId = reader.text(document, ['spec', 'rdeId'], false);
  if (rdeId !== undefined && rdeId !== expect.entityId) {
    reader.refuse(where(document, ['spec', 'rdeId']), "may only name the cluster's own entity.");
  }
  if (at(['spec', 'useAsManagementCluster'], document.body) === true) {
    reader.refuse(where(document, ['spec', 'useAsManagementCluster']), 'must be false.');
  }
  const userContext = at(['spec', 'userContext'], document.body);
  if (userContext !== undefined) {
    const keys = isRecord(userContext) ? Object.keys(userContext) : [];
    if (!isRecord(userContext) || keys.some((key) => key !== 'secretRef')) {
      // Credentials come from the cluster's owner, through the secret the worker writes; never inline.
      reader.refuse(
        where(document, ['spec', 'userContext']),
        'may hold only secretRef; credentials are never inline.',
      );
    }
  }
  const host = at(['spec', 'controlPlaneEndpoint', 'host'], document.body);
  if (host !== undefined && host !== '' && (typeof host !== 'string' || !ipv4.test(host))) {
    reader.refuse(where(document, ['spec', 'controlPlaneEndpoint', 'host']), 'must be an IPv4 address.');
  }
  const vipSubnet = at(['spec', 'loadBalancerConfigSpec', 'vipSubnet'], document.body);
  if (
    vipSubnet !== undefined &&
    vipSubnet !== '' &&
    (typeof vipSubnet !== 'string' || !ipv4Cidr.test(vipSubnet))
  ) {
    reader.refuse(where(document, ['spec', 'loadBalancerConfigSpec', 'vipSubnet']), 'must be an IPv4 CIDR.');
  }
  return {
    site: site ?? '',
    org: org ?? '',
    orgVdc: orgVdc ?? '',
    network: network ?? '',
    ...(rdeId ? { rdeId } : {}),
    ...(typeof host === 'string' && host ? { controlPlaneHost: host } : {}),
    ...(typeof vipSubnet === 'string' && vipSubnet ? { vipSubnet } : {}),
  };
}

function readMachineTemplate(document: Document, reader: Reader) {
  const path = ['spec', 'template', 'spec'];
  const spec = at(path, document.body);
  if (!isRecord(spec)) {
    reader.refuse(where(document, path), 'is required.');
    return undefined;
  }
  for (const field of Object.keys(spec)) {
    if (!vcdMachineFields.has(field))
      reader.refuse(where(document, [...path, field]), 'is not a field a cluster may set.');
  }
  const catalog = reader.text(document, [...path, 'catalog'], true);
  const template = reader.text(document, [...path, 'template'], true);
  const diskGiB = quantityToGiB(spec['diskSize']);
  if (diskGiB === undefined) {
    reader.refuse(where(document, [...path, 'diskSize']), 'must be a size such as 20Gi.');
  }
  const optional = (field: string) => reader.text(document, [...path, field], false);
  const group: CapiNodeGroup = { diskGiB: diskGiB ?? 0 };
  const sizingPolicy = optional('sizingPolicy');
  const placementPolicy = optional('placementPolicy');
  const storageProfile = optional('storageProfile');
  if (sizingPolicy) group.sizingPolicy = sizingPolicy;
  if (placementPolicy) group.placementPolicy = placementPolicy;
  if (storageProfile) group.storageProfile = storageProfile;
  return { group, catalog: catalog ?? '', template: template ?? '' };
}

/** Files from outside the document would read secrets of the management cluster into a node. */
function checkKubeadmConfig(document: Document, path: string[], reader: Reader): void {
  const files = at([...path, 'files'], document.body);
  if (files === undefined) return;
  if (!Array.isArray(files)) {
    reader.refuse(where(document, [...path, 'files']), 'must be a list.');
    return;
  }
  files.forEach((file, index) => {
    if (isRecord(file) && file['contentFrom'] !== undefined) {
      reader.refuse(
        where(document, [...path, `files[${index}]`, 'contentFrom']),
        'is not allowed; give the content.',
      );
    }
  });
}

function firstSshKey(document: Document): string | undefined {
  const users = at(['spec', 'kubeadmConfigSpec', 'users'], document.body);
  if (!Array.isArray(users)) return undefined;
  for (const user of users) {
    const keys = at(['sshAuthorizedKeys'], user);
    if (Array.isArray(keys) && typeof keys[0] === 'string' && keys[0] !== '') return keys[0];
  }
  return undefined;
}

function firstCidr(document: Document, family: 'pods' | 'services'): string | undefined {
  const blocks = at(['spec', 'clusterNetwork', family, 'cidrBlocks'], document.body);
  return Array.isArray(blocks) && typeof blocks[0] === 'string' ? blocks[0] : undefined;
}

/** Reads and checks a `capiYaml`; problems name the document and field, and say what to do. */
export function readCapiYaml(text: unknown, expect: CapiYamlExpectations): CapiYamlReading {
  const reader = new Reader();
  if (typeof text !== 'string' || text.trim() === '') {
    return {
      ok: false,
      problems: [{ at: 'spec.capiYaml', message: 'is required: the Cluster API documents of the cluster.' }],
    };
  }
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > CAPI_YAML_MAX_BYTES) {
    const size = (kib: number) => `${Math.ceil(kib)} KiB`;
    return {
      ok: false,
      problems: [
        {
          at: 'spec.capiYaml',
          message: `is ${size(bytes / 1024)}; at most ${size(CAPI_YAML_MAX_BYTES / 1024)} is read.`,
        },
      ],
    };
  }
  const documents = parseDocuments(text, reader);
  if (reader.problems.length > 0) return { ok: false, problems: reader.problems };

  const namespaces = new Set(documents.map((document) => document.namespace ?? 'default'));
  if (namespaces.size > 1) {
    reader.refuse(
      'spec.capiYaml',
      `uses several namespaces (${[...namespaces].join(', ')}); a cluster uses one.`,
    );
  }
  const cluster = only(documents, 'Cluster', reader);
  const vcdCluster = only(documents, 'VCDCluster', reader);
  const controlPlane = only(documents, 'KubeadmControlPlane', reader);
  if (!cluster || !vcdCluster || !controlPlane) return { ok: false, problems: reader.problems };
  if (cluster.name !== expect.clusterName) {
    reader.refuse(where(cluster, ['metadata', 'name']), `must be the cluster's name, ${expect.clusterName}.`);
  }
  referenced(documents, cluster, ['spec', 'infrastructureRef'], 'VCDCluster', reader);
  referenced(documents, cluster, ['spec', 'controlPlaneRef'], 'KubeadmControlPlane', reader);
  const vcd = readVcdCluster(vcdCluster, expect, reader);

  const templates = new Map<string, ReturnType<typeof readMachineTemplate>>();
  for (const document of documents.filter((candidate) => candidate.kind === 'VCDMachineTemplate')) {
    templates.set(document.name, readMachineTemplate(document, reader));
  }
  const images = new Set(
    [...templates.values()]
      .filter((value): value is NonNullable<typeof value> => value !== undefined)
      .map((value) => `${value.catalog}/${value.template}`),
  );
  if (images.size > 1) {
    reader.refuse(
      'spec.capiYaml',
      `uses several vApp templates (${[...images].join(', ')}); every node uses one.`,
    );
  }

  const controlPlaneTemplate = referenced(
    documents,
    controlPlane,
    ['spec', 'machineTemplate', 'infrastructureRef'],
    'VCDMachineTemplate',
    reader,
  );
  checkKubeadmConfig(controlPlane, ['spec', 'kubeadmConfigSpec'], reader);
  const replicas = reader.count(controlPlane, ['spec', 'replicas']);
  const kubernetesVersion = reader.text(controlPlane, ['spec', 'version'], true);

  for (const document of documents.filter((candidate) => candidate.kind === 'KubeadmConfigTemplate')) {
    checkKubeadmConfig(document, ['spec', 'template', 'spec'], reader);
  }

  const workerPools: CapiWorkerPool[] = [];
  for (const deployment of documents.filter((candidate) => candidate.kind === 'MachineDeployment')) {
    const clusterName = at(['spec', 'clusterName'], deployment.body);
    if (clusterName !== cluster.name) {
      reader.refuse(where(deployment, ['spec', 'clusterName']), `must be ${cluster.name}.`);
    }
    referenced(
      documents,
      deployment,
      ['spec', 'template', 'spec', 'bootstrap', 'configRef'],
      'KubeadmConfigTemplate',
      reader,
    );
    const machines = referenced(
      documents,
      deployment,
      ['spec', 'template', 'spec', 'infrastructureRef'],
      'VCDMachineTemplate',
      reader,
    );
    // go-vcloud-director leaves `replicas` out when the autoscaler sizes the pool; it is then 0 for us.
    const count =
      at(['spec', 'replicas'], deployment.body) === undefined
        ? 0
        : reader.count(deployment, ['spec', 'replicas']);
    const machine = machines ? templates.get(machines.name) : undefined;
    if (machine && count !== undefined) workerPools.push({ name: deployment.name, count, ...machine.group });
  }
  for (const check of documents.filter((candidate) => candidate.kind === 'MachineHealthCheck')) {
    if (at(['spec', 'clusterName'], check.body) !== cluster.name) {
      reader.refuse(where(check, ['spec', 'clusterName']), `must be ${cluster.name}.`);
    }
  }

  const controlPlaneMachine = controlPlaneTemplate ? templates.get(controlPlaneTemplate.name) : undefined;
  if (
    reader.problems.length > 0 ||
    !vcd ||
    !controlPlaneMachine ||
    replicas === undefined ||
    !kubernetesVersion
  ) {
    return { ok: false, problems: reader.problems };
  }
  const tkgVersion = at(['metadata', 'annotations', 'TKGVERSION'], cluster.body);
  const podCidr = firstCidr(cluster, 'pods');
  const serviceCidr = firstCidr(cluster, 'services');
  const sshKey = firstSshKey(controlPlane);
  return {
    ok: true,
    topology: {
      clusterName: cluster.name,
      namespace: cluster.namespace ?? 'default',
      ...vcd,
      template: { catalog: controlPlaneMachine.catalog, name: controlPlaneMachine.template },
      kubernetesVersion,
      ...(typeof tkgVersion === 'string' && tkgVersion ? { tkgVersion } : {}),
      controlPlane: { count: replicas, ...controlPlaneMachine.group },
      workerPools,
      ...(podCidr ? { podCidr } : {}),
      ...(serviceCidr ? { serviceCidr } : {}),
      ...(sshKey ? { sshKey } : {}),
      nodeHealthCheck: documents.some((document) => document.kind === 'MachineHealthCheck'),
    },
  };
}
