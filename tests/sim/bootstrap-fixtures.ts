/**
 * Shared steps of the emulated-bootstrap tests, written from docs/cluster-spec.md (never from
 * backend/): a cloud-init and a Cluster API manifest shaped like the worker's, the owner's API token,
 * the control-plane pool and virtual service the worker would have made, and a report endpoint: an
 * API extension for `/api/cse/.*` served by a small consumer on the simulator's MQTT bus. The world
 * these tests start from (`bootstrapWorldHooks`) and one bootstrap run end to end (`runBootstrap`)
 * put them together.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { request } from 'node:https';
import { after, before } from 'node:test';
import mqtt, { type MqttClient } from 'mqtt';
import { parse, stringify } from 'yaml';
import { addonArtifacts } from '../../sim/infra/artifacts/addons.ts';
import type { SimulatorOptions } from '../../sim/options.ts';
import type { RunningSimulator } from '../../sim/server.ts';
import { startTestSimulator, VcdClient, type VcdPage } from '../helpers/vcd.ts';
import {
  asyncCall,
  byName,
  createVApp,
  eventually,
  powerOn,
  queryRecords,
  setExtraConfig,
  tenantFixture,
  type TenantFixture,
  type VAppBody,
} from './support/infra.ts';

export const phases = [
  'vm-started',
  'tools-installed',
  'kind-ready',
  'capi-initialised',
  'cluster-applied',
  'control-plane-ready',
  'kubeconfig-ready',
  'addons-applied',
  'nodes-ready',
  'pivoted',
  'done',
];

export interface ClusterInput {
  clusterId: string;
  clusterName: string;
  org: string;
  ovdc: string;
  network: string;
  vip: string;
  controlPlaneCount: number;
  pools: { name: string; count: number; sizingPolicy?: string }[];
  sizingPolicy?: string;
  kubernetesVersion?: string;
  /** The TKG template's name in `tkg-templates` (see `tkgTemplateName`). */
  template: string;
  /**
   * The KubeadmControlPlane's etcd and CoreDNS image tags: the TKG 2.5.2 v1.28.11 OVA's by default
   * (go-vcloud-director `govcd/cse/tkg_versions.json`), `null` to leave them out (kubeadm's defaults).
   */
  kubeadmImageTags?: { etcd: string; coreDns: string } | null;
  /** kubelets with `cloud-provider: external` (CAPVCD's templates): nodes wait for the CPI. */
  externalCloudProvider?: boolean;
}

/** The Cluster API manifest (docs/cluster-spec.md §3), as YAML documents. */
export function capiManifest(input: ClusterInput): string {
  const n = input.clusterName;
  const ns = `${n}-ns`;
  const version = input.kubernetesVersion ?? 'v1.28.11+vmware.2';
  const registry = 'projects.registry.vmware.com/tkg';
  const tags =
    input.kubeadmImageTags === undefined
      ? { etcd: 'v3.5.12_vmware.5', coreDns: 'v1.10.1_vmware.21' }
      : input.kubeadmImageTags;
  const infra = 'infrastructure.cluster.x-k8s.io/v1beta2';
  const machineTemplate = (name: string, sizingPolicy?: string) => ({
    apiVersion: infra,
    kind: 'VCDMachineTemplate',
    metadata: { name, namespace: ns },
    spec: {
      template: {
        spec: {
          catalog: 'tkg-templates',
          template: input.template,
          ...(sizingPolicy ? { sizingPolicy } : {}),
          storageProfile: 'gold-storage-policy',
          diskSize: '40Gi',
        },
      },
    },
  });
  const documents: unknown[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: `${n}-vcd-credentials`,
        namespace: ns,
        labels: { 'clusterctl.cluster.x-k8s.io/move': '' },
      },
      type: 'Opaque',
      data: { refreshToken: Buffer.from('not-used-by-the-emulation').toString('base64') },
    },
    {
      apiVersion: 'cluster.x-k8s.io/v1beta1',
      kind: 'Cluster',
      metadata: { name: n, namespace: ns },
      spec: {
        clusterNetwork: {
          pods: { cidrBlocks: ['100.96.0.0/11'] },
          services: { cidrBlocks: ['100.64.0.0/13'] },
        },
        controlPlaneRef: {
          apiVersion: 'controlplane.cluster.x-k8s.io/v1beta1',
          kind: 'KubeadmControlPlane',
          name: `${n}-control-plane`,
        },
        infrastructureRef: { apiVersion: infra, kind: 'VCDCluster', name: n },
      },
    },
    {
      apiVersion: infra,
      kind: 'VCDCluster',
      metadata: { name: n, namespace: ns },
      spec: {
        site: 'https://vcd.example.com',
        org: input.org,
        ovdc: input.ovdc,
        ovdcNetwork: input.network,
        controlPlaneEndpoint: { host: input.vip, port: 6443 },
        rdeId: input.clusterId,
        useAsManagementCluster: false,
        userContext: { secretRef: { name: `${n}-vcd-credentials`, namespace: ns } },
      },
    },
    machineTemplate(`${n}-control-plane`, input.sizingPolicy),
    {
      apiVersion: 'controlplane.cluster.x-k8s.io/v1beta1',
      kind: 'KubeadmControlPlane',
      metadata: { name: `${n}-control-plane`, namespace: ns },
      spec: {
        replicas: input.controlPlaneCount,
        version,
        machineTemplate: {
          infrastructureRef: { apiVersion: infra, kind: 'VCDMachineTemplate', name: `${n}-control-plane` },
        },
        kubeadmConfigSpec: {
          clusterConfiguration: {
            apiServer: { certSANs: ['localhost', '127.0.0.1'] },
            imageRepository: registry,
            dns: { imageRepository: registry, ...(tags ? { imageTag: tags.coreDns } : {}) },
            etcd: { local: { imageRepository: registry, ...(tags ? { imageTag: tags.etcd } : {}) } },
          },
          ...(input.externalCloudProvider
            ? {
                initConfiguration: {
                  nodeRegistration: { kubeletExtraArgs: { 'cloud-provider': 'external' } },
                },
                joinConfiguration: {
                  nodeRegistration: { kubeletExtraArgs: { 'cloud-provider': 'external' } },
                },
              }
            : {}),
        },
      },
    },
    {
      apiVersion: 'bootstrap.cluster.x-k8s.io/v1beta1',
      kind: 'KubeadmConfigTemplate',
      metadata: { name: `${n}-worker`, namespace: ns },
      spec: {
        template: {
          spec: {
            joinConfiguration: {
              nodeRegistration: {
                criSocket: '/run/containerd/containerd.sock',
                ...(input.externalCloudProvider
                  ? { kubeletExtraArgs: { 'cloud-provider': 'external' } }
                  : {}),
              },
            },
          },
        },
      },
    },
    ...input.pools.flatMap((pool) => [
      machineTemplate(`${n}-${pool.name}`, pool.sizingPolicy),
      {
        apiVersion: 'cluster.x-k8s.io/v1beta1',
        kind: 'MachineDeployment',
        metadata: { name: `${n}-${pool.name}`, namespace: ns },
        spec: {
          clusterName: n,
          replicas: pool.count,
          selector: { matchLabels: null },
          template: {
            spec: {
              clusterName: n,
              version,
              bootstrap: {
                configRef: {
                  apiVersion: 'bootstrap.cluster.x-k8s.io/v1beta1',
                  kind: 'KubeadmConfigTemplate',
                  name: `${n}-worker`,
                },
              },
              infrastructureRef: { apiVersion: infra, kind: 'VCDMachineTemplate', name: `${n}-${pool.name}` },
            },
          },
        },
      },
    ]),
  ];
  return documents.map((document) => stringify(document)).join('---\n');
}

export interface BootstrapInput {
  clusterId: string;
  clusterName: string;
  vcdUrl: string;
  org: string;
  apiToken: string;
  secret: string;
  capiYaml: string;
  phaseTimeouts?: Record<string, number>;
  /** `/opt/cse/clusterctl.yaml` (clusterctl's configuration); none of its settings by default. */
  clusterctlConfig?: string;
  /** More bootstrap settings (`downloads`, `clusterctlRepository`, `addons`), as the worker writes them. */
  settings?: Record<string, unknown>;
  /** More `write_files` entries by path (add-on configuration). */
  files?: Record<string, string>;
  /**
   * The add-ons the VM applies in `addons-applied` (docs/cluster-spec.md §4 `addons`): by default Antrea, the CPI
   * and the CSI driver from the simulator's artifact mirror, as a worker configured for it would list them.
   */
  addons?: Array<'antrea' | 'cpi' | 'csi'>;
  /** Where the add-on manifests are mirrored (the simulator's URL); `vcdUrl` by default. */
  artifactsUrl?: string;
}

const addonRollouts = {
  antrea: { kind: 'daemonset', name: 'antrea-agent', namespace: 'kube-system' },
  cpi: { kind: 'deployment', name: 'vmware-cloud-director-ccm', namespace: 'kube-system' },
  csi: { kind: 'deployment', name: 'csi-vcd-controllerplugin', namespace: 'kube-system' },
} as const;

/** The settings' `addons` entries for the simulator's artifact mirror at `simUrl`. */
export function addonSettings(simUrl: string, names: ReadonlyArray<'antrea' | 'cpi' | 'csi'>) {
  const artifacts = addonArtifacts(simUrl);
  return names.map((name) => ({
    name,
    ...artifacts[name],
    file: `/opt/cse/addons/${name}.yaml`,
    rollout: addonRollouts[name],
  }));
}

/** The full name of the seeded TKG template for a Kubernetes version (`ubuntu-2204-kube-v1.28.11+vmware.2-…`). */
export async function tkgTemplateName(client: VcdClient, kubernetes = 'v1.28.11'): Promise<string> {
  const records = await queryRecords<{ name: string }>(
    client,
    'vAppTemplate',
    `name==ubuntu-2204-kube-${kubernetes}*`,
  );
  assert.equal(records.record.length, 1, `template for ${kubernetes}`);
  return records.record[0]!.name;
}

/** The bootstrap VM's `#cloud-config` (docs/cluster-spec.md §4): files with the data, runcmd of constants. */
export function bootstrapCloudInit(input: BootstrapInput): string {
  const settings = {
    schemaVersion: 1,
    clusterId: input.clusterId,
    clusterName: input.clusterName,
    namespace: `${input.clusterName}-ns`,
    vcd: { url: input.vcdUrl, org: input.org, tokenUrl: `${input.vcdUrl}/oauth/tenant/${input.org}/token` },
    report: {
      url: `${input.vcdUrl}/api/cse/v1/clusters/${input.clusterId}/bootstrap`,
      secretHeader: 'X-CSE-Bootstrap-Secret',
    },
    components: {
      kind: 'v0.22.0',
      kindNodeImage: 'kindest/node:v1.29.2',
      clusterctl: 'v1.7.9',
      clusterApi: 'v1.7.9',
      capvcd: 'v1.3.2',
      kubectl: 'v1.29.2',
    },
    downloads: {},
    addons: addonSettings(input.artifactsUrl ?? input.vcdUrl, input.addons ?? ['antrea', 'cpi', 'csi']),
    kindClusterName: 'cse-bootstrap',
    files: {
      reportSecret: '/etc/cse/report-secret',
      apiToken: '/etc/cse/vcd-api-token',
      capiYaml: '/opt/cse/cluster.yaml',
      clusterctlConfig: '/opt/cse/clusterctl.yaml',
      kindKubeconfig: '/opt/cse/kind.kubeconfig',
      workloadKubeconfig: '/opt/cse/workload.kubeconfig',
      stateDir: '/var/lib/cse-bootstrap',
      log: '/var/log/cse-bootstrap.log',
    },
    phases: phases.map((name) => ({
      name,
      timeoutSeconds: input.phaseTimeouts?.[name] ?? 600,
      description: name,
    })),
    ...input.settings,
  };
  const file = (path: string, content: string, permissions: string) => ({
    path,
    owner: 'root:root',
    permissions,
    encoding: 'b64',
    content: Buffer.from(content).toString('base64'),
  });
  const config = {
    write_files: [
      file('/opt/cse/bin/cse-bootstrap', '#!/usr/bin/env python3\n# the helper\n', '0755'),
      file('/etc/cse/bootstrap.json', JSON.stringify(settings, null, 2), '0644'),
      file('/etc/cse/report-secret', `${input.secret}\n`, '0600'),
      file('/etc/cse/vcd-api-token', `${input.apiToken}\n`, '0600'),
      file('/opt/cse/cluster.yaml', input.capiYaml, '0600'),
      file('/opt/cse/clusterctl.yaml', input.clusterctlConfig ?? 'GITHUB_TOKEN: ""\n', '0644'),
      ...Object.entries(input.files ?? {}).map(([path, content]) => file(path, content, '0600')),
    ],
    runcmd: [
      ['/opt/cse/bin/cse-bootstrap', 'report', 'vm-started'],
      [
        '/opt/cse/bin/cse-bootstrap',
        'run',
        'kind-ready',
        '--',
        'kind',
        'create',
        'cluster',
        '--name',
        'cse-bootstrap',
      ],
    ],
  };
  return `#cloud-config\n${stringify(config)}`;
}

/**
 * At the speeds these tests run, sessions and access tokens would expire within seconds of real
 * time; give them a simulated week (the report path still renews tokens on 401).
 */
export async function longLivedSessions(sim: { url: string }): Promise<void> {
  const response = await fetch(`${sim.url}/sim/latency`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      durations: { sessionIdleTimeout: 7 * 86_400_000, accessTokenLifetime: 7 * 86_400_000 },
    }),
  });
  assert.equal(response.status, 200, await response.text());
}

/** The owner's VCD API token, made the way the UI plugin makes one (register, then jwt-bearer grant). */
export async function ownerApiToken(client: VcdClient, org: string): Promise<string> {
  const registered = await fetch(`${client.baseUrl}/oauth/tenant/${org}/register`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${client.token}`,
      'content-type': 'application/json',
      accept: 'application/json',
    },
    body: JSON.stringify({ client_name: `cse-test-${Math.random().toString(36).slice(2)}` }),
  });
  assert.equal(registered.status, 200, await registered.clone().text());
  const { client_id: clientId } = (await registered.json()) as { client_id: string };
  const granted = await fetch(`${client.baseUrl}/oauth/tenant/${org}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion: client.token!,
      client_id: clientId,
    }).toString(),
  });
  assert.equal(granted.status, 200, await granted.clone().text());
  return ((await granted.json()) as { refresh_token: string }).refresh_token;
}

export interface Report {
  phase: string;
  status: string;
  message: string;
  kubeconfig?: string;
  secret: string | undefined;
  authorization: string | undefined;
  user: string;
  clusterId: string;
}

interface ApiRequestMessage {
  type: string;
  headers: { requestId: string; context: Record<string, unknown> };
  httpRequest: string;
}

/**
 * The report endpoint: a provider-registered API extension for `/api/cse/.*` and a consumer on
 * the simulator's embedded MQTT broker that records each bootstrap report and answers 200 (or 401
 * when the secret header is not the expected one).
 */
export class ReportEndpoint {
  readonly reports: Report[] = [];
  readonly expectedSecrets = new Map<string, string>();
  #client: MqttClient | undefined;

  /** Registers the extension (unless a loaded world has it already) and connects its consumer. */
  static async start(sim: { url: string }, provider: VcdClient, register = true): Promise<ReportEndpoint> {
    const endpoint = new ReportEndpoint();
    const identity = { vendor: 'cseoss', name: 'bootstrap-test', version: '1.0.0' };
    const username = `${identity.vendor}/${identity.name}/${identity.version}`;
    const extensionId = `urn:vcloud:extension-api:${identity.vendor}:${identity.name}:${identity.version}`;
    if (register) {
      const created = await provider.post('/cloudapi/extensions/api', {
        ...identity,
        priority: 100,
        enabled: 'true',
        authorizationEnabled: 'false',
        description: 'bootstrap report endpoint for tests',
      });
      assert.equal(created.status, 201, created.text);
      const filter = await provider.post('/cloudapi/1.0.0/apiFilters', {
        externalSystem: { id: extensionId, name: identity.name },
        urlMatcher: { urlPattern: '/api/cse/.*', urlScope: 'API' },
      });
      assert.equal(filter.status, 201, filter.text);
    }
    const token = await provider.post<{ token: string }>('/cloudapi/1.0.0/tokens', {
      name: username,
      type: 'EXTENSION',
      extensionId,
    });
    assert.equal(token.status, 200, token.text);
    const client = await mqtt.connectAsync(`${sim.url.replace('http://', 'ws://')}/messaging/mqtt`, {
      username,
      password: token.body.token,
      protocolVersion: 4,
      reconnectPeriod: 0,
      connectTimeout: 5000,
    });
    endpoint.#client = client;
    const monitor = `topic/extension/${username}/ext`;
    const respond = `topic/extension/${username}/vcd`;
    client.on('message', (topic, payload) => {
      if (topic !== monitor) return;
      const message = JSON.parse(payload.toString('utf8')) as ApiRequestMessage;
      if (message.type !== 'API_REQUEST') return;
      const answer = endpoint.#handle(message);
      void client.publishAsync(
        respond,
        JSON.stringify({
          type: 'API_RESPONSE',
          headers: { requestId: message.headers.requestId },
          httpResponse: {
            statusCode: answer.status,
            headers: { 'Content-Type': 'application/json' },
            body: Buffer.from(JSON.stringify(answer.body)).toString('base64'),
          },
        }),
        { qos: 1 },
      );
    });
    await client.subscribeAsync(monitor, { qos: 1 });
    return endpoint;
  }

  #handle(message: ApiRequestMessage): { status: number; body: unknown } {
    const decoded = JSON.parse(Buffer.from(message.httpRequest, 'base64').toString('utf8')) as {
      message: { method: string; requestUri: string; headers: Record<string, string>; body: string };
    };
    const request = decoded.message;
    const match = /^\/api\/cse\/v1\/clusters\/([^/]+)\/bootstrap$/.exec(request.requestUri);
    if (request.method !== 'POST' || !match) return { status: 404, body: { message: 'not found' } };
    const clusterId = decodeURIComponent(match[1]!);
    const header = (name: string) =>
      Object.entries(request.headers).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
    const body = JSON.parse(Buffer.from(request.body, 'base64').toString('utf8')) as Omit<Report, 'secret'>;
    const secret = header('X-CSE-Bootstrap-Secret');
    if (this.expectedSecrets.get(clusterId) !== secret)
      return { status: 401, body: { message: 'wrong secret' } };
    this.reports.push({
      ...body,
      secret,
      authorization: header('Authorization'),
      user: String(message.headers.context['user']),
      clusterId,
    });
    return { status: 200, body: { accepted: true } };
  }

  of(clusterId: string): Report[] {
    return this.reports.filter((report) => report.clusterId === clusterId);
  }

  async stop(): Promise<void> {
    await this.#client?.endAsync(true);
  }
}

export interface AlbFixture {
  gatewayId: string;
  poolId: string;
  virtualServiceId: string;
}

/** The control-plane pool and virtual service the worker makes before the bootstrap (named as CAPVCD names them). */
export async function controlPlaneLoadBalancer(
  client: VcdClient,
  network: string,
  name: string,
  vip: string,
): Promise<AlbFixture> {
  const net = await byName<{
    id: string;
    name: string;
    connection: { routerRef: { id: string; name: string } };
  }>(client, '/cloudapi/1.0.0/orgVdcNetworks', network);
  const gateway = net.connection.routerRef;
  const assignments = await client.get<VcdPage<{ serviceEngineGroupRef: { id: string; name: string } }>>(
    `/cloudapi/1.0.0/loadBalancer/serviceEngineGroups/assignments?filter=${encodeURIComponent(`gatewayRef.id==${gateway.id}`)}`,
  );
  assert.equal(assignments.status, 200, assignments.text);
  const seg = assignments.body.values[0]!.serviceEngineGroupRef;
  const poolTask = await asyncCall(client, 'POST', '/cloudapi/1.0.0/loadBalancer/pools', {
    name,
    gatewayRef: gateway,
    enabled: true,
    algorithm: 'ROUND_ROBIN',
    defaultPort: 6443,
    healthMonitors: [{ type: 'TCP' }],
  });
  assert.equal(poolTask.status, 'success', JSON.stringify(poolTask.error));
  const pools = await client.get<VcdPage<{ id: string; name: string }>>(
    `/cloudapi/1.0.0/edgeGateways/${gateway.id}/loadBalancer/poolSummaries?filter=${encodeURIComponent(`name==${name}`)}`,
  );
  const pool = pools.body.values[0]!;
  const vsTask = await asyncCall(client, 'POST', '/cloudapi/1.0.0/loadBalancer/virtualServices', {
    name,
    gatewayRef: gateway,
    enabled: true,
    applicationProfile: { type: 'L4', systemDefined: true },
    loadBalancerPoolRef: { id: pool.id, name },
    serviceEngineGroupRef: seg,
    servicePorts: [{ portStart: 6443, tcpUdpProfile: { type: 'TCP_PROXY', systemDefined: true } }],
    virtualIpAddress: vip,
  });
  assert.equal(vsTask.status, 'success', JSON.stringify(vsTask.error));
  const services = await client.get<VcdPage<{ id: string }>>(
    `/cloudapi/1.0.0/edgeGateways/${gateway.id}/loadBalancer/virtualServiceSummaries?filter=${encodeURIComponent(`name==${name}`)}`,
  );
  return { gatewayId: gateway.id, poolId: pool.id, virtualServiceId: services.body.values[0]!.id };
}

/** Where a test puts the user data: where cloud-init reads it, or the property it never reads. */
export type UserdataPlacement = 'extraConfig' | 'ovfUserData' | 'guestinfoProperty';

/**
 * Instantiates the bootstrap template powered off, gives it this user data (base64) and powers it
 * on, as the worker does: by default in ExtraConfig `guestinfo.userdata` (+ `.encoding`), where
 * cloud-init's VMware data source reads it.
 */
export async function bootstrapVm(
  client: VcdClient,
  fixture: TenantFixture,
  name: string,
  userdata: string,
  placement: UserdataPlacement = 'extraConfig',
) {
  const encoded = Buffer.from(userdata).toString('base64');
  const properties: Record<string, string> | undefined =
    placement === 'ovfUserData'
      ? { 'user-data': encoded }
      : placement === 'guestinfoProperty'
        ? { 'guestinfo.userdata': encoded, 'guestinfo.userdata.encoding': 'base64' }
        : undefined;
  const created = await createVApp(client, fixture, { name, sizingPolicy: 'TKG small', properties });
  if (placement === 'extraConfig' && userdata !== '') {
    const task = await setExtraConfig(client, created.vApp.children.vm[0]!.href, {
      'guestinfo.userdata': encoded,
      'guestinfo.userdata.encoding': 'base64',
    });
    assert.equal(task.status, 'success', JSON.stringify(task.error));
  }
  await powerOn(client, created.href);
  const vApp = await client.get<VAppBody>(created.href);
  return { ...created, vApp: vApp.body };
}

export { tenantFixture };

/** What the emulated-bootstrap tests start from: a simulator, the report endpoint and the acme author's pieces. */
export interface BootstrapWorld {
  sim: RunningSimulator;
  /** `acme-author`, who owns the bootstrap VMs and the control-plane load balancers. */
  author: VcdClient;
  endpoint: ReportEndpoint;
  fixture: TenantFixture;
  /** The author's API token, which the bootstrap VM reports with. */
  apiToken: string;
  /** The seeded TKG template's full name (see `tkgTemplateName`). */
  template: string;
  /** Ends the report endpoint and the simulator. */
  stop(): Promise<void>;
}

/** The world's pieces a bootstrap run uses (a test that restarts the simulator gathers them itself). */
export type BootstrapParts = Omit<BootstrapWorld, 'stop'>;

export interface BootstrapWorldOptions {
  /** Simulator options beyond a speed of 1000 (e.g. `airGapped`). */
  simulator?: Partial<SimulatorOptions>;
  /** The Kubernetes version (prefix) of the TKG template the clusters use; `tkgTemplateName`'s default. */
  kubernetes?: string;
}

/**
 * Starts a simulator with long-lived sessions and the report endpoint, logs in `acme-author` and gathers its
 * tenant fixture, API token and TKG template.
 */
export async function startBootstrapWorld(options: BootstrapWorldOptions = {}): Promise<BootstrapWorld> {
  const sim = await startTestSimulator({ speed: 1000, ...options.simulator });
  let endpoint: ReportEndpoint | undefined;
  const stop = async () => {
    await endpoint?.stop();
    await sim.close();
  };
  try {
    await longLivedSessions(sim);
    const author = await VcdClient.login(sim.url, 'acme-author', 'acme');
    endpoint = await ReportEndpoint.start(sim, await VcdClient.provider(sim.url));
    const fixture = await tenantFixture(author, 'acme');
    const apiToken = await ownerApiToken(author, 'acme');
    const template = await tkgTemplateName(author, options.kubernetes);
    return { sim, author, endpoint, fixture, apiToken, template, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Registers the enclosing suite's hooks: before it, `startBootstrapWorld(options)`; after it, `stop()`. Answers the
 * world the hook fills (read it inside tests).
 */
export function bootstrapWorldHooks(options: BootstrapWorldOptions = {}): BootstrapWorld {
  const world = {} as Partial<BootstrapWorld>;
  before(async () => {
    Object.assign(world, await startBootstrapWorld(options));
  });
  after(() => world.stop?.());
  return world as BootstrapWorld;
}

export interface BootstrapRun {
  clusterName: string;
  /** A new cluster id by default. */
  clusterId?: string;
  /** The one-time report secret; a new one by default. */
  secret?: string;
  /** `false`: the endpoint expects another secret, so it refuses the reports (401). */
  secretAccepted?: boolean;
  /** The network of the cluster's VMs; `acme-k8s-net` by default. */
  network?: string;
  /** The control-plane endpoint's address. */
  vip: string;
  /**
   * Make the control-plane pool and virtual service for `vip` on `network`'s gateway first, as the worker does
   * (CAPVCD adopts them; without them it fails control-plane-ready).
   */
  loadBalancer?: boolean;
  /** The manifest's inputs beyond one control-plane node and one pool `workers` of one node. */
  cluster?: Partial<Pick<ClusterInput, 'controlPlaneCount' | 'pools' | 'sizingPolicy'>> &
    Pick<ClusterInput, 'kubeadmImageTags' | 'externalCloudProvider'>;
  /** The cloud-init's inputs beyond the cluster's, the world's and the simulator's URL. */
  cloudInit?: Partial<
    Pick<
      BootstrapInput,
      'vcdUrl' | 'artifactsUrl' | 'phaseTimeouts' | 'clusterctlConfig' | 'settings' | 'addons'
    >
  >;
}

export interface StartedBootstrap {
  clusterId: string;
  secret: string;
  /** The bootstrap vApp as `bootstrapVm` answers it. */
  vm: Awaited<ReturnType<typeof bootstrapVm>>;
}

/**
 * Boots the bootstrap VM of a new cluster as the worker would: its id and secret registered with the report
 * endpoint, the control-plane load balancer if asked for, the Cluster API manifest and the cloud-init.
 */
export async function startBootstrap(world: BootstrapParts, run: BootstrapRun): Promise<StartedBootstrap> {
  const { sim, author, endpoint } = world;
  const { clusterName, vip, network = 'acme-k8s-net' } = run;
  const clusterId = run.clusterId ?? `urn:vcloud:entity:cseoss:k8scluster:${randomUUID()}`;
  const secret = run.secret ?? randomUUID().replace(/-/g, '');
  endpoint.expectedSecrets.set(clusterId, run.secretAccepted === false ? 'another-secret' : secret);
  if (run.loadBalancer)
    await controlPlaneLoadBalancer(author, network, `${clusterName}-${clusterId}-tcp`, vip);
  const capiYaml = capiManifest({
    clusterId,
    clusterName,
    org: 'acme',
    ovdc: 'acme-vdc',
    network,
    vip,
    controlPlaneCount: 1,
    pools: [{ name: 'workers', count: 1 }],
    template: world.template,
    ...run.cluster,
  });
  const userdata = bootstrapCloudInit({
    clusterId,
    clusterName,
    vcdUrl: sim.url,
    org: 'acme',
    apiToken: world.apiToken,
    secret,
    capiYaml,
    ...run.cloudInit,
  });
  const vm = await bootstrapVm(author, world.fixture, `${clusterName}-bootstrap`, userdata);
  return { clusterId, secret, vm };
}

/** A bootstrap as `/sim/bootstraps` lists it. */
export interface BootstrapView {
  clusterId: string;
  state: string;
  phase: string;
  message: string;
}

async function bootstrapViewOf(sim: { url: string }, clusterId: string): Promise<BootstrapView | undefined> {
  const view = (await (await fetch(`${sim.url}/sim/bootstraps`)).json()) as { bootstraps: BootstrapView[] };
  return view.bootstraps.find((bootstrap) => bootstrap.clusterId === clusterId);
}

/** Waits until the emulated VM ended (its last report answered, so nothing is in flight); answers its view. */
async function bootstrapEnded(world: BootstrapParts, clusterId: string): Promise<BootstrapView> {
  let last: BootstrapView | undefined;
  return eventually(async () => {
    last = await bootstrapViewOf(world.sim, clusterId);
    return last && last.state !== 'running' && last;
  }, 30_000).catch((error: Error) => {
    const reports = JSON.stringify(world.endpoint.of(clusterId));
    throw new Error(`${error.message}: bootstrap ${JSON.stringify(last ?? null)}, reports ${reports}`);
  });
}

/** Runs a whole bootstrap (`startBootstrap`); answers its reports and its view once the VM ended. */
export async function runBootstrap(
  world: BootstrapParts,
  run: BootstrapRun,
): Promise<StartedBootstrap & { view: BootstrapView; reports: Report[] }> {
  const started = await startBootstrap(world, run);
  const view = await bootstrapEnded(world, started.clusterId);
  return { ...started, view, reports: world.endpoint.of(started.clusterId) };
}

/** GET on a workload cluster's API with its kubeconfig (CA and bearer), for polling without kubectl. */
export function kubeGet<T>(kubeconfig: string, path: string): Promise<{ status: number; body: T }> {
  const config = parse(kubeconfig) as {
    clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
    users: { user: { token: string } }[];
  };
  const cluster = config.clusters[0]!.cluster;
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, cluster.server),
      {
        headers: { authorization: `Bearer ${config.users[0]!.user.token}`, accept: 'application/json' },
        ca: Buffer.from(cluster['certificate-authority-data'], 'base64').toString('utf8'),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as T,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}
