/**
 * The Cluster API manifest of a workload cluster, built as typed objects and serialised with `yaml`: Namespace,
 * the VCD credentials Secret, Cluster, VCDCluster, VCDMachineTemplates, KubeadmControlPlane, KubeadmConfigTemplate,
 * a MachineDeployment per worker pool and, when enabled, a MachineHealthCheck. API versions are the ones CAPVCD 1.3
 * and Cluster API 1.7 serve (infrastructure `v1beta2`, everything else `v1beta1`).
 */
import { stringify } from 'yaml';
import {
  checkClusterSpec,
  type CompleteClusterSpec,
} from '../../behaviours/validation/cluster-spec-rules.ts';
import { checkEgress, nodeEgress, type EgressSettings } from './egress.ts';
import { InputChecks, inputPatterns } from './input-checks.ts';

export const capiApiVersions = {
  core: 'cluster.x-k8s.io/v1beta1',
  infrastructure: 'infrastructure.cluster.x-k8s.io/v1beta2',
  controlPlane: 'controlplane.cluster.x-k8s.io/v1beta1',
  bootstrap: 'bootstrap.cluster.x-k8s.io/v1beta1',
} as const;

/** Everything the manifest needs besides the spec, as the worker resolved it in VCD. */
export interface CapiClusterInput {
  /** The validated specification, defaults applied. */
  spec: CompleteClusterSpec;
  /** The cluster's RDE id; CAPVCD names the control-plane load balancer `<name>-<rdeId>-tcp` after it. */
  clusterId: string;
  vcd: {
    /** VCD base URL, e.g. `https://vcd.example.com`. */
    url: string;
    org: string;
    orgVdc: string;
    network: string;
  };
  template: {
    catalog: string;
    /** vApp template name. */
    name: string;
    /** Kubernetes version from the template's `VERSION` property, e.g. `v1.28.11+vmware.2`. */
    kubernetesVersion: string;
    tkgVersion: string;
    /** TKr name, e.g. `v1.28.11---vmware.2-tkg.2`; a label on the Cluster. */
    tkr?: string;
    /**
     * etcd and CoreDNS image tags of the template's TKG release (`tkg-versions.ts`). Required: without them kubeadm
     * asks the registry for upstream tags the TKG registry does not carry, and the control plane never starts.
     */
    etcdImageTag: string;
    coreDnsImageTag: string;
  };
  /** The reserved VIP (and port, 6443 unless given) of the control-plane virtual service. */
  controlPlaneEndpoint: { host: string; port?: number };
  /** Registry of the Kubernetes images (CAPVCD's TKG templates: `projects.registry.vmware.com/tkg`), or a mirror. */
  imageRegistry: string;
  /** The owner's VCD API (refresh) token; goes into the credentials Secret only. */
  apiToken: string;
  /** Optional subnet CAPVCD takes VIPs from (`loadBalancerConfigSpec.vipSubnet`). */
  vipSubnet?: string;
  /** Thresholds of the MachineHealthCheck (CSE's defaults when absent). */
  healthCheck?: { maxUnhealthy?: string; nodeStartupTimeout?: string; unhealthyTimeout?: string };
  /** The provider's proxy (containerd, through CAPVCD) and CA certificates the nodes trust. */
  egress?: EgressSettings;
}

export interface ObjectReference {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface KubeObject<Kind extends string = string, Spec = unknown> {
  apiVersion: string;
  kind: Kind;
  metadata: ObjectMeta;
  spec?: Spec;
}

export interface SecretObject extends KubeObject<'Secret'> {
  type: 'Opaque';
  data: Record<string, string>;
}

export interface ClusterObjectSpec {
  clusterNetwork: {
    pods: { cidrBlocks: string[] };
    services: { cidrBlocks: string[] };
    serviceDomain: string;
  };
  controlPlaneRef: ObjectReference;
  infrastructureRef: ObjectReference;
}

export interface VcdClusterSpec {
  site: string;
  org: string;
  ovdc: string;
  ovdcNetwork: string;
  controlPlaneEndpoint: { host: string; port: number };
  loadBalancerConfigSpec?: { vipSubnet: string };
  proxyConfigSpec?: { httpProxy?: string; httpsProxy?: string; noProxy?: string };
  useAsManagementCluster: boolean;
  rdeId: string;
  userContext: { secretRef: { name: string; namespace: string } };
}

export interface VcdMachineSpec {
  catalog: string;
  template: string;
  sizingPolicy?: string;
  placementPolicy?: string;
  storageProfile?: string;
  /** A Kubernetes quantity, e.g. `20Gi`. */
  diskSize: string;
}

export interface VcdMachineTemplateSpec {
  template: { spec: VcdMachineSpec };
}

interface NodeRegistration {
  criSocket: string;
  kubeletExtraArgs: Record<string, string>;
}

interface KubeadmUser {
  name: string;
  sshAuthorizedKeys: string[];
}

export interface KubeadmConfigSpec {
  clusterConfiguration?: {
    apiServer: { certSANs: string[] };
    controllerManager: { extraArgs: Record<string, string> };
    dns: { imageRepository: string; imageTag: string };
    etcd: { local: { imageRepository: string; imageTag: string } };
    imageRepository: string;
  };
  initConfiguration?: { nodeRegistration: NodeRegistration };
  joinConfiguration: { nodeRegistration: NodeRegistration };
  users?: KubeadmUser[];
  files?: Array<{ path: string; content: string; owner: string; permissions: string }>;
  preKubeadmCommands?: string[];
}

export interface KubeadmControlPlaneSpec {
  replicas: number;
  version: string;
  machineTemplate: { infrastructureRef: ObjectReference };
  kubeadmConfigSpec: KubeadmConfigSpec;
}

export interface KubeadmConfigTemplateSpec {
  template: { spec: KubeadmConfigSpec };
}

export interface MachineDeploymentSpec {
  clusterName: string;
  replicas: number;
  selector: { matchLabels: Record<string, string> };
  template: {
    metadata: { labels: Record<string, string> };
    spec: {
      clusterName: string;
      version: string;
      bootstrap: { configRef: ObjectReference };
      infrastructureRef: ObjectReference;
    };
  };
}

export interface MachineHealthCheckSpec {
  clusterName: string;
  selector: { matchLabels: Record<string, string> };
  maxUnhealthy: string;
  nodeStartupTimeout: string;
  unhealthyConditions: Array<{ type: string; status: string; timeout: string }>;
}

export type CapiObject =
  | KubeObject<'Namespace', never>
  | SecretObject
  | KubeObject<'Cluster', ClusterObjectSpec>
  | KubeObject<'VCDCluster', VcdClusterSpec>
  | KubeObject<'VCDMachineTemplate', VcdMachineTemplateSpec>
  | KubeObject<'KubeadmControlPlane', KubeadmControlPlaneSpec>
  | KubeObject<'KubeadmConfigTemplate', KubeadmConfigTemplateSpec>
  | KubeObject<'MachineDeployment', MachineDeploymentSpec>
  | KubeObject<'MachineHealthCheck', MachineHealthCheckSpec>;

/** Names of every object, all derived from the cluster name (the simulator and the reconciler look them up). */
export interface CapiObjectNames {
  namespace: string;
  cluster: string;
  credentialsSecret: string;
  controlPlane: string;
  workerBootstrap: string;
  healthCheck: string;
  /** MachineDeployment and VCDMachineTemplate name per worker pool name. */
  pools: Record<string, string>;
}

export function capiObjectNames(clusterName: string, poolNames: readonly string[]): CapiObjectNames {
  return {
    namespace: `${clusterName}-ns`,
    cluster: clusterName,
    credentialsSecret: `${clusterName}-vcd-credentials`,
    controlPlane: `${clusterName}-control-plane`,
    workerBootstrap: `${clusterName}-worker`,
    healthCheck: `${clusterName}-node-health`,
    pools: Object.fromEntries(poolNames.map((pool) => [pool, `${clusterName}-${pool}`])),
  };
}

/** The control-plane load balancer's pool and virtual service name, as CAPVCD derives it. */
export function controlPlaneLoadBalancerName(clusterName: string, clusterId: string): string {
  return `${clusterName}-${clusterId}-tcp`;
}

const CLUSTER_NAME_LABEL = 'cluster.x-k8s.io/cluster-name';
const DEPLOYMENT_NAME_LABEL = 'cluster.x-k8s.io/deployment-name';
/** clusterctl move carries Secrets with this label to the workload cluster. */
const MOVE_LABEL = 'clusterctl.cluster.x-k8s.io/move';

/** An OCI image tag (the distribution spec's tag grammar). */
const imageTag = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

const nodeRegistration = (): NodeRegistration => ({
  criSocket: '/run/containerd/containerd.sock',
  kubeletExtraArgs: {
    'cloud-provider': 'external',
    'eviction-hard': 'nodefs.available<0%,nodefs.inodesFree<0%,imagefs.available<0%',
  },
});

function checkInput(input: CapiClusterInput, names: CapiObjectNames): void {
  const checks = new InputChecks();
  const p = inputPatterns;
  const specErrors = checkClusterSpec(input.spec);
  for (const error of specErrors) checks.check(`spec.${error.field}`, false, error.message);
  checks.match('clusterId', input.clusterId, p.clusterId, 'a cluster RDE id or UUID');
  checks.match('vcd.url', input.vcd.url, p.vcdUrl, 'an http(s) URL without query or trailing slash');
  checks.present('vcd.org', input.vcd.org, 256);
  checks.present('vcd.orgVdc', input.vcd.orgVdc, 256);
  checks.present('vcd.network', input.vcd.network, 256);
  checks.present('template.catalog', input.template.catalog, 256);
  checks.present('template.name', input.template.name, 256);
  checks.match(
    'template.kubernetesVersion',
    input.template.kubernetesVersion,
    p.version,
    'a version such as v1.28.11+vmware.2',
  );
  checks.match('template.tkgVersion', input.template.tkgVersion, p.version, 'a version such as v2.4.0');
  if (input.template.tkr !== undefined)
    checks.match(
      'template.tkr',
      input.template.tkr,
      imageTag,
      'a TKr name such as v1.28.11---vmware.2-tkg.2',
    );
  for (const key of ['etcdImageTag', 'coreDnsImageTag'] as const)
    checks.match(`template.${key}`, input.template[key], imageTag, 'an image tag such as v3.5.12_vmware.5');
  const host = input.controlPlaneEndpoint.host;
  checks.check(
    'controlPlaneEndpoint.host',
    p.ipv4.test(host) || p.hostname.test(host),
    'must be an IPv4 address or host name',
  );
  const port = input.controlPlaneEndpoint.port ?? 6443;
  checks.check(
    'controlPlaneEndpoint.port',
    Number.isInteger(port) && port > 0 && port < 65536,
    'must be a TCP port',
  );
  checks.match('imageRegistry', input.imageRegistry, p.registry, 'a registry host and path');
  checks.present('apiToken', input.apiToken);
  if (input.vipSubnet !== undefined) checks.match('vipSubnet', input.vipSubnet, /^[0-9./]+$/, 'an IPv4 CIDR');
  checkEgress(checks, input.egress ?? {});
  const derived = [
    names.namespace,
    names.credentialsSecret,
    names.controlPlane,
    names.workerBootstrap,
    names.healthCheck,
    ...Object.values(names.pools),
  ];
  // Names of a valid spec always fit; checked anyway because they become Kubernetes names and VM names.
  if (specErrors.length === 0) {
    for (const name of derived)
      checks.match(`name ${name}`, name, p.dnsLabel, 'a DNS-1123 label of at most 63 characters');
  }
  checks.done();
}

/** The manifest's objects, in the order they must be applied. Throws `RenderInputError` on a bad input. */
export function buildCapiObjects(input: CapiClusterInput): CapiObject[] {
  const { spec, template } = input;
  const names = capiObjectNames(
    spec.name,
    spec.workerPools.map((pool) => pool.name),
  );
  checkInput(input, names);
  const namespace = names.namespace;
  const ref = (apiVersion: string, kind: string, name: string): ObjectReference => ({
    apiVersion,
    kind,
    name,
    namespace,
  });
  const meta = (name: string, extra: Omit<ObjectMeta, 'name' | 'namespace'> = {}): ObjectMeta => ({
    name,
    namespace,
    ...extra,
  });
  const users: KubeadmUser[] | undefined = spec.sshKey
    ? [{ name: 'root', sshAuthorizedKeys: [spec.sshKey] }]
    : undefined;
  const egress = nodeEgress(input.egress ?? {});
  const trust = {
    ...(egress.files.length ? { files: egress.files } : {}),
    ...(egress.preKubeadmCommands.length ? { preKubeadmCommands: egress.preKubeadmCommands } : {}),
  };
  const machine = (group: CompleteClusterSpec['controlPlane']): VcdMachineTemplateSpec => ({
    template: {
      spec: {
        catalog: template.catalog,
        template: template.name,
        ...(group.sizingPolicy ? { sizingPolicy: group.sizingPolicy } : {}),
        ...(group.placementPolicy ? { placementPolicy: group.placementPolicy } : {}),
        ...(group.storageProfile ? { storageProfile: group.storageProfile } : {}),
        diskSize: `${group.diskGiB}Gi`,
      },
    },
  });

  const clusterLabels: Record<string, string> = { 'tkg.tanzu.vmware.com/cluster-name': spec.name };
  if (template.tkr) clusterLabels['tanzuKubernetesRelease'] = template.tkr;

  const objects: CapiObject[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: meta(names.credentialsSecret, {
        labels: { [MOVE_LABEL]: '', [CLUSTER_NAME_LABEL]: spec.name },
      }),
      type: 'Opaque',
      data: { refreshToken: Buffer.from(input.apiToken, 'utf8').toString('base64') },
    },
    {
      apiVersion: capiApiVersions.core,
      kind: 'Cluster',
      metadata: meta(names.cluster, {
        labels: clusterLabels,
        annotations: { TKGVERSION: template.tkgVersion },
      }),
      spec: {
        clusterNetwork: {
          pods: { cidrBlocks: [spec.podCidr] },
          services: { cidrBlocks: [spec.serviceCidr] },
          serviceDomain: 'cluster.local',
        },
        controlPlaneRef: ref(capiApiVersions.controlPlane, 'KubeadmControlPlane', names.controlPlane),
        infrastructureRef: ref(capiApiVersions.infrastructure, 'VCDCluster', names.cluster),
      },
    },
    {
      apiVersion: capiApiVersions.infrastructure,
      kind: 'VCDCluster',
      metadata: meta(names.cluster),
      spec: {
        site: input.vcd.url,
        org: input.vcd.org,
        ovdc: input.vcd.orgVdc,
        ovdcNetwork: input.vcd.network,
        controlPlaneEndpoint: {
          host: input.controlPlaneEndpoint.host,
          port: input.controlPlaneEndpoint.port ?? 6443,
        },
        ...(input.vipSubnet ? { loadBalancerConfigSpec: { vipSubnet: input.vipSubnet } } : {}),
        ...(egress.proxyConfigSpec ? { proxyConfigSpec: egress.proxyConfigSpec } : {}),
        useAsManagementCluster: false,
        rdeId: input.clusterId,
        userContext: { secretRef: { name: names.credentialsSecret, namespace } },
      },
    },
    {
      apiVersion: capiApiVersions.infrastructure,
      kind: 'VCDMachineTemplate',
      metadata: meta(names.controlPlane),
      spec: machine(spec.controlPlane),
    },
    {
      apiVersion: capiApiVersions.controlPlane,
      kind: 'KubeadmControlPlane',
      metadata: meta(names.controlPlane),
      spec: {
        replicas: spec.controlPlane.count,
        version: template.kubernetesVersion,
        machineTemplate: {
          infrastructureRef: ref(capiApiVersions.infrastructure, 'VCDMachineTemplate', names.controlPlane),
        },
        kubeadmConfigSpec: {
          clusterConfiguration: {
            apiServer: { certSANs: ['localhost', '127.0.0.1'] },
            controllerManager: { extraArgs: { 'enable-hostpath-provisioner': 'true' } },
            // As CAPVCD's TKG templates and CSE 4.2's (GVCD `govcd/cse/4.2/capiyaml_cluster.tmpl`) set them.
            dns: { imageRepository: input.imageRegistry, imageTag: template.coreDnsImageTag },
            etcd: { local: { imageRepository: input.imageRegistry, imageTag: template.etcdImageTag } },
            imageRepository: input.imageRegistry,
          },
          initConfiguration: { nodeRegistration: nodeRegistration() },
          joinConfiguration: { nodeRegistration: nodeRegistration() },
          ...(users ? { users } : {}),
          ...trust,
        },
      },
    },
    {
      apiVersion: capiApiVersions.bootstrap,
      kind: 'KubeadmConfigTemplate',
      metadata: meta(names.workerBootstrap),
      spec: {
        template: {
          spec: {
            joinConfiguration: { nodeRegistration: nodeRegistration() },
            ...(users ? { users } : {}),
            ...trust,
          },
        },
      },
    },
  ];

  for (const pool of spec.workerPools) {
    const name = names.pools[pool.name]!;
    const labels = { [CLUSTER_NAME_LABEL]: spec.name, [DEPLOYMENT_NAME_LABEL]: name };
    objects.push(
      {
        apiVersion: capiApiVersions.infrastructure,
        kind: 'VCDMachineTemplate',
        metadata: meta(name),
        spec: machine(pool),
      },
      {
        apiVersion: capiApiVersions.core,
        kind: 'MachineDeployment',
        metadata: meta(name, { labels: { [CLUSTER_NAME_LABEL]: spec.name } }),
        spec: {
          clusterName: spec.name,
          replicas: pool.count,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              clusterName: spec.name,
              version: template.kubernetesVersion,
              bootstrap: {
                configRef: ref(capiApiVersions.bootstrap, 'KubeadmConfigTemplate', names.workerBootstrap),
              },
              infrastructureRef: ref(capiApiVersions.infrastructure, 'VCDMachineTemplate', name),
            },
          },
        },
      },
    );
  }

  if (spec.nodeHealthCheck.enabled) {
    const thresholds = input.healthCheck ?? {};
    const unhealthyTimeout = thresholds.unhealthyTimeout ?? '300s';
    objects.push({
      apiVersion: capiApiVersions.core,
      kind: 'MachineHealthCheck',
      metadata: meta(names.healthCheck),
      spec: {
        clusterName: spec.name,
        selector: { matchLabels: { [CLUSTER_NAME_LABEL]: spec.name } },
        maxUnhealthy: thresholds.maxUnhealthy ?? '100%',
        nodeStartupTimeout: thresholds.nodeStartupTimeout ?? '900s',
        unhealthyConditions: [
          { type: 'Ready', status: 'Unknown', timeout: unhealthyTimeout },
          { type: 'Ready', status: 'False', timeout: unhealthyTimeout },
        ],
      },
    });
  }
  return objects;
}

/** The manifest as one multi-document YAML string. */
export function renderCapiYaml(input: CapiClusterInput): string {
  return buildCapiObjects(input)
    .map((object) => stringify(object, { lineWidth: 0, aliasDuplicateObjects: false }))
    .join('---\n');
}
