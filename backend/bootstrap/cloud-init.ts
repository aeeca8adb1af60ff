/**
 * The bootstrap VM's cloud-init (`guestinfo.userdata`): a `#cloud-config` built as an object and dumped with `yaml`.
 * Data travels in files (`write_files`); `runcmd` holds argv lists (cloud-init quotes each item) made only of
 * constants and values that passed a strict pattern, so no user-supplied string can reach a shell.
 */
import { parse, stringify } from 'yaml';
import {
  bootstrapEgressFiles,
  checkEgress,
  cloudInitCaCerts,
  proxyEnvironment,
  type EgressSettings,
} from './egress.ts';
import { clusterctlConfig, clusterctlRepositoryFiles, type RepositoryFile } from './clusterctl-repository.ts';
import { bootstrapHelperScript } from './helper-script.ts';
import {
  addonNames,
  addonRollouts,
  renderVcdAddonConfig,
  type AddonName,
  type AddonRollout,
  type AddonSource,
} from '../addons/vcd-addons.ts';
import { InputChecks, inputPatterns } from './input-checks.ts';
import { BOOTSTRAP_SECRET_HEADER, bootstrapPhases, type BootstrapPhaseName } from './phases.ts';

/** Where the cloud-init puts things on the bootstrap VM (the simulator's emulated bootstrap reads the same paths). */
export const bootstrapPaths = {
  helper: '/opt/cse/bin/cse-bootstrap',
  settings: '/etc/cse/bootstrap.json',
  reportSecret: '/etc/cse/report-secret',
  apiToken: '/etc/cse/vcd-api-token',
  capiYaml: '/opt/cse/cluster.yaml',
  clusterctlConfig: '/opt/cse/clusterctl.yaml',
  kindKubeconfig: '/opt/cse/kind.kubeconfig',
  workloadKubeconfig: '/opt/cse/workload.kubeconfig',
  /** The cluster's CPI/CSI configuration and the `vcloud-basic-auth` Secret (holds the refresh token). */
  addonConfig: '/opt/cse/addons/vcd-config.yaml',
  addonDir: '/opt/cse/addons',
  stateDir: '/var/lib/cse-bootstrap',
  log: '/var/log/cse-bootstrap.log',
} as const;

/** Name of the KinD cluster on the bootstrap VM. */
export const KIND_CLUSTER_NAME = 'cse-bootstrap';

export interface BootstrapComponents {
  kind: string;
  /** KinD node image with tag or digest, e.g. `kindest/node:v1.29.2`. */
  kindNodeImage: string;
  clusterctl: string;
  /** Cluster API core, kubeadm bootstrap and kubeadm control-plane providers. */
  clusterApi: string;
  /** The VCD infrastructure provider (clusterctl provider `vcd`). */
  capvcd: string;
  kubectl: string;
  certManager?: string;
}

/** CAPVCD 1.3.2 is built against Cluster API 1.7; kind 0.22 ships Kubernetes 1.29 nodes. */
export const defaultBootstrapComponents: BootstrapComponents = {
  kind: 'v0.22.0',
  kindNodeImage: 'kindest/node:v1.29.2',
  clusterctl: 'v1.7.9',
  clusterApi: 'v1.7.9',
  capvcd: 'v1.3.2',
  kubectl: 'v1.29.2',
};

export interface BootstrapDownloads {
  kind: string;
  clusterctl: string;
  kubectl: string;
}

/**
 * Where the binaries come from: upstream release URLs, or `<mirror>/<tool>/<version>/<tool>-linux-amd64` when the
 * provider configured a mirror.
 */
export function bootstrapDownloads(components: BootstrapComponents, mirror?: string): BootstrapDownloads {
  if (mirror) {
    const base = mirror.replace(/\/+$/, '');
    return {
      kind: `${base}/kind/${components.kind}/kind-linux-amd64`,
      clusterctl: `${base}/clusterctl/${components.clusterctl}/clusterctl-linux-amd64`,
      kubectl: `${base}/kubectl/${components.kubectl}/kubectl-linux-amd64`,
    };
  }
  return {
    kind: `https://github.com/kubernetes-sigs/kind/releases/download/${components.kind}/kind-linux-amd64`,
    clusterctl: `https://github.com/kubernetes-sigs/cluster-api/releases/download/${components.clusterctl}/clusterctl-linux-amd64`,
    kubectl: `https://dl.k8s.io/release/${components.kubectl}/bin/linux/amd64/kubectl`,
  };
}

export interface BootstrapInput {
  /** The cluster's RDE id; part of the report URL. */
  clusterId: string;
  clusterName: string;
  /** Namespace of the Cluster API objects (`capiObjectNames(...).namespace`). */
  namespace: string;
  /** VCD as the VM reaches it; `org` is the owner's organisation (for the token endpoint). */
  vcd: { url: string; org: string };
  /** The rendered Cluster API manifest. */
  capiYaml: string;
  /** The owner's VCD API (refresh) token. */
  apiToken: string;
  /** The one-time per-cluster report secret. */
  reportSecret: string;
  components?: BootstrapComponents;
  /** Binary mirror base URL (see `bootstrapDownloads`); upstream release URLs when absent. */
  binaryMirror?: string;
  /** Registry that replaces the repository of every provider image clusterctl installs. */
  providerImageRegistry?: string;
  /**
   * Provider components mirror (`<mirror>/<provider-label>/<version>/<file>`): clusterctl installs every provider
   * and cert-manager from a local copy of it instead of GitHub (air-gapped sites).
   */
  componentsMirror?: string;
  /**
   * The CNI, CPI and CSI release manifests (each checked by sha256 on the VM) and the cluster's VCD coordinates
   * for their configuration; applied to the workload cluster before waiting for Ready nodes and before the pivot.
   */
  addons?: { sources: AddonSource[]; orgVdc: string; network: string };
  /** Per-phase limits in seconds, overriding `bootstrapPhases`. */
  phaseTimeouts?: Partial<Record<BootstrapPhaseName, number>>;
  /** The provider's proxy and trusted CA certificates. */
  egress?: EgressSettings;
}

/** The bootstrap settings file (`/etc/cse/bootstrap.json`). */
export interface BootstrapSettings {
  schemaVersion: 1;
  clusterId: string;
  clusterName: string;
  namespace: string;
  vcd: { url: string; org: string; tokenUrl: string };
  report: { url: string; secretHeader: string };
  components: BootstrapComponents;
  downloads: BootstrapDownloads;
  providerImageRegistry?: string;
  /** The local clusterctl repository the VM downloads from the components mirror, when one is configured. */
  clusterctlRepository?: { mirror: string; files: Array<Pick<RepositoryFile, 'url' | 'path'>> };
  /** Add-on manifests in the order they are applied; each downloaded to `file` and refused unless its sha256 matches. */
  addons: Array<AddonSource & { file: string; rollout: AddonRollout }>;
  /** Environment of the helper and its commands: the provider's proxy variables. */
  environment: Record<string, string>;
  kindClusterName: string;
  files: {
    reportSecret: string;
    apiToken: string;
    capiYaml: string;
    clusterctlConfig: string;
    kindKubeconfig: string;
    workloadKubeconfig: string;
    addonConfig: string;
    stateDir: string;
    log: string;
  };
  phases: Array<{ name: BootstrapPhaseName; timeoutSeconds: number; description: string }>;
}

export interface CloudInitFile {
  path: string;
  content: string;
  owner: string;
  permissions: string;
  encoding?: 'b64';
  append?: boolean;
  defer?: boolean;
}

export interface CloudConfig {
  /** cloud-init's `ca_certs` module (runs before `write_files` consumers and `runcmd`). */
  ca_certs?: { trusted: string[] };
  write_files: CloudInitFile[];
  runcmd: string[][];
}

/** `POST <vcd>/api/cse/v1/clusters/{id}/bootstrap` for this cluster. */
export function bootstrapReportUrl(vcdUrl: string, clusterId: string): string {
  return `${vcdUrl}/api/cse/v1/clusters/${clusterId}/bootstrap`;
}

/** VCD's token endpoint that turns the owner's API token into an access token. */
export function vcdTokenUrl(vcdUrl: string, org: string): string {
  return org.toLowerCase() === 'system'
    ? `${vcdUrl}/oauth/provider/token`
    : `${vcdUrl}/oauth/tenant/${strictlyEncoded(org)}/token`;
}

/** RFC 3986 percent-encoding, including the characters `encodeURIComponent` leaves alone (`!'()*`). */
function strictlyEncoded(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function checkInput(
  input: BootstrapInput,
  components: BootstrapComponents,
  downloads: BootstrapDownloads,
): void {
  const checks = new InputChecks();
  const p = inputPatterns;
  checks.match('clusterId', input.clusterId, p.clusterId, 'a cluster RDE id or UUID');
  checks.match(
    'clusterName',
    input.clusterName,
    /^[a-z]([-a-z0-9]{0,29}[a-z0-9])?$/,
    'a DNS-1123 label of at most 31 characters',
  );
  checks.match('namespace', input.namespace, p.dnsLabel, 'a DNS-1123 label');
  checks.match('vcd.url', input.vcd.url, p.vcdUrl, 'an http(s) URL without query or trailing slash');
  checks.present('vcd.org', input.vcd.org, 256);
  checks.present('capiYaml', input.capiYaml, 1024 * 1024);
  checks.match(
    'apiToken',
    input.apiToken,
    /^[\x21-\x7e]{1,4096}$/,
    'printable characters without spaces',
    true,
  );
  checks.match('reportSecret', input.reportSecret, p.secret, 'URL-safe base64 of 32 to 128 characters', true);
  for (const key of ['kind', 'clusterctl', 'clusterApi', 'capvcd', 'kubectl', 'certManager'] as const) {
    const value = components[key];
    if (key !== 'certManager' || value !== undefined) {
      checks.match(`components.${key}`, value, p.version, 'a version such as v1.2.3');
    }
  }
  checks.match(
    'components.kindNodeImage',
    components.kindNodeImage,
    p.image,
    'an image reference with a tag or digest',
  );
  if (input.binaryMirror !== undefined)
    checks.match('binaryMirror', input.binaryMirror, p.url, 'an http(s) URL');
  for (const [tool, url] of Object.entries(downloads))
    checks.match(`downloads.${tool}`, url, p.url, 'an http(s) URL');
  if (input.componentsMirror !== undefined)
    checks.match('componentsMirror', input.componentsMirror, p.url, 'an http(s) URL');
  if (input.providerImageRegistry !== undefined) {
    checks.match(
      'providerImageRegistry',
      input.providerImageRegistry,
      p.registry,
      'a registry host and path',
    );
  }
  (input.addons?.sources ?? []).forEach((source, index) => {
    checks.check(
      `addons[${index}].name`,
      addonNames.includes(source.name),
      `must be one of ${addonNames.join(', ')}`,
    );
    checks.match(`addons[${index}].url`, source.url, p.url, 'an http(s) URL');
    checks.match(`addons[${index}].version`, source.version, p.version, 'a version such as v1.2.3');
    checks.match(`addons[${index}].sha256`, source.sha256, p.sha256, '64 lowercase hex digits');
  });
  const names = (input.addons?.sources ?? []).map((source) => source.name);
  checks.check('addons', new Set(names).size === names.length, 'must name each add-on once');
  if (input.addons) {
    checks.present('addons.orgVdc', input.addons.orgVdc, 256);
    checks.present('addons.network', input.addons.network, 256);
  }
  for (const [phase, seconds] of Object.entries(input.phaseTimeouts ?? {})) {
    const known = bootstrapPhases.some((entry) => entry.name === phase);
    checks.check(
      `phaseTimeouts.${phase}`,
      known && Number.isInteger(seconds) && seconds > 0 && seconds <= 86_400,
      'must be a whole number of seconds up to a day, for a known phase',
    );
  }
  checkEgress(checks, input.egress ?? {});
  checks.done();
}

/** The settings file's content (also what `extractCloudInit` gives back). */
export function buildBootstrapSettings(input: BootstrapInput): BootstrapSettings {
  const components = input.components ?? defaultBootstrapComponents;
  const downloads = bootstrapDownloads(components, input.binaryMirror);
  checkInput(input, components, downloads);
  const paths = bootstrapPaths;
  return {
    schemaVersion: 1,
    clusterId: input.clusterId,
    clusterName: input.clusterName,
    namespace: input.namespace,
    vcd: { url: input.vcd.url, org: input.vcd.org, tokenUrl: vcdTokenUrl(input.vcd.url, input.vcd.org) },
    report: {
      url: bootstrapReportUrl(input.vcd.url, input.clusterId),
      secretHeader: BOOTSTRAP_SECRET_HEADER,
    },
    components: { ...components },
    downloads,
    ...(input.providerImageRegistry ? { providerImageRegistry: input.providerImageRegistry } : {}),
    ...(input.componentsMirror
      ? {
          clusterctlRepository: {
            mirror: input.componentsMirror,
            files: clusterctlRepositoryFiles(components, input.componentsMirror).map(({ url, path }) => ({
              url,
              path,
            })),
          },
        }
      : {}),
    addons: orderedAddons(input.addons?.sources ?? []).map((source) => ({
      ...source,
      file: `${paths.addonDir}/${source.name}.yaml`,
      rollout: { ...addonRollouts[source.name] },
    })),
    environment: proxyEnvironment(input.egress?.proxy),
    kindClusterName: KIND_CLUSTER_NAME,
    files: {
      reportSecret: paths.reportSecret,
      apiToken: paths.apiToken,
      capiYaml: paths.capiYaml,
      clusterctlConfig: paths.clusterctlConfig,
      kindKubeconfig: paths.kindKubeconfig,
      workloadKubeconfig: paths.workloadKubeconfig,
      addonConfig: paths.addonConfig,
      stateDir: paths.stateDir,
      log: paths.log,
    },
    phases: bootstrapPhases.map((phase) => ({
      name: phase.name,
      timeoutSeconds: input.phaseTimeouts?.[phase.name] ?? phase.timeoutSeconds,
      description: phase.description,
    })),
  };
}

/** CNI first, then CPI, then CSI, whatever order the provider listed them in. */
function orderedAddons(sources: readonly AddonSource[]): AddonSource[] {
  const rank = (name: AddonName) => addonNames.indexOf(name);
  return [...sources].sort((a, b) => rank(a.name) - rank(b.name));
}

/** The commands, in order. Every item is a constant, a fixed path, or a value `checkInput` matched to a pattern. */
function bootstrapCommands(settings: BootstrapSettings): string[][] {
  const paths = bootstrapPaths;
  const { components: c, downloads } = settings;
  const helper = paths.helper;
  const run = (phase: BootstrapPhaseName, ...argv: string[]): string[] => [
    helper,
    'run',
    phase,
    '--',
    ...argv,
  ];
  const report = (phase: BootstrapPhaseName, ...extra: string[]): string[] => [
    helper,
    'report',
    phase,
    ...extra,
  ];
  const limit = (phase: BootstrapPhaseName): string =>
    `${settings.phases.find((entry) => entry.name === phase)?.timeoutSeconds ?? 600}s`;
  const fetch = (url: string, target: string): string[] =>
    run('tools-installed', 'curl', '-fsSL', '--retry', '5', '--retry-connrefused', '-o', target, url);
  const kind = ['--kubeconfig', paths.kindKubeconfig];
  const workload = ['--kubeconfig', paths.workloadKubeconfig];
  const providers = [
    '--core',
    `cluster-api:${c.clusterApi}`,
    '--bootstrap',
    `kubeadm:${c.clusterApi}`,
    '--control-plane',
    `kubeadm:${c.clusterApi}`,
    '--infrastructure',
    `vcd:${c.capvcd}`,
    '--config',
    paths.clusterctlConfig,
    '--wait-providers',
  ];
  const ns = ['--namespace', settings.namespace];
  return [
    report('vm-started'),
    run(
      'tools-installed',
      'sh',
      '-c',
      'command -v docker >/dev/null 2>&1 || (apt-get update -q && apt-get install -y -q docker.io)',
    ),
    fetch(downloads.kind, '/usr/local/bin/kind'),
    fetch(downloads.clusterctl, '/usr/local/bin/clusterctl'),
    fetch(downloads.kubectl, '/usr/local/bin/kubectl'),
    run(
      'tools-installed',
      'chmod',
      '0755',
      '/usr/local/bin/kind',
      '/usr/local/bin/clusterctl',
      '/usr/local/bin/kubectl',
    ),
    report('tools-installed'),
    run(
      'kind-ready',
      'kind',
      'create',
      'cluster',
      '--name',
      KIND_CLUSTER_NAME,
      '--image',
      c.kindNodeImage,
      ...kind,
      '--wait',
      limit('kind-ready'),
    ),
    report('kind-ready'),
    // The local clusterctl repository (air-gapped sites): downloaded from the mirror, URLs matched by checkInput.
    ...(settings.clusterctlRepository?.files ?? []).map((file) =>
      run(
        'capi-initialised',
        'curl',
        '-fsSL',
        '--retry',
        '5',
        '--retry-connrefused',
        '--create-dirs',
        '-o',
        file.path,
        file.url,
      ),
    ),
    run('capi-initialised', 'clusterctl', 'init', ...kind, ...providers),
    report('capi-initialised'),
    run('cluster-applied', 'kubectl', ...kind, 'apply', '-f', paths.capiYaml),
    report('cluster-applied'),
    run(
      'control-plane-ready',
      'kubectl',
      ...kind,
      'wait',
      ...ns,
      '--for=condition=ControlPlaneInitialized',
      `--timeout=${limit('control-plane-ready')}`,
      `cluster/${settings.clusterName}`,
    ),
    report('control-plane-ready'),
    run('kubeconfig-ready', helper, 'fetch-kubeconfig'),
    report('kubeconfig-ready', '--kubeconfig', paths.workloadKubeconfig),
    // The cluster's configuration and Secret first (the CPI and CSI pods mount them), then each release manifest
    // as downloaded and checked by the helper, then wait until each add-on's workload rolled out: the CNI before
    // nodes can be Ready, the CPI before they lose the uninitialized taint (CAPVCD docs/CRS.md).
    ...(settings.addons.length
      ? [run('addons-applied', 'kubectl', ...workload, 'apply', '-f', paths.addonConfig)]
      : []),
    ...settings.addons.flatMap((addon) => [
      run('addons-applied', helper, 'fetch-addon', addon.name),
      run('addons-applied', 'kubectl', ...workload, 'apply', '-f', addon.file),
    ]),
    ...settings.addons.map((addon) =>
      run(
        'addons-applied',
        'kubectl',
        ...workload,
        'rollout',
        'status',
        '--namespace',
        addon.rollout.namespace,
        `${addon.rollout.kind}/${addon.rollout.name}`,
        `--timeout=${limit('addons-applied')}`,
      ),
    ),
    report('addons-applied'),
    run(
      'nodes-ready',
      'kubectl',
      ...kind,
      'wait',
      ...ns,
      '--for=condition=Ready',
      `--timeout=${limit('nodes-ready')}`,
      `cluster/${settings.clusterName}`,
    ),
    run(
      'nodes-ready',
      'kubectl',
      ...kind,
      'wait',
      ...ns,
      '--for=condition=Available',
      `--timeout=${limit('nodes-ready')}`,
      'machinedeployments',
      '--all',
    ),
    report('nodes-ready'),
    run('pivoted', 'clusterctl', 'init', ...workload, ...providers),
    run('pivoted', 'clusterctl', 'move', ...kind, '--to-kubeconfig', paths.workloadKubeconfig, ...ns),
    report('pivoted'),
    report('done'),
  ];
}

/** The cloud-config as an object (what `renderBootstrapCloudInit` dumps). */
export function buildBootstrapCloudConfig(input: BootstrapInput): CloudConfig {
  const settings = buildBootstrapSettings(input);
  const paths = bootstrapPaths;
  const file = (path: string, content: string, permissions: string): CloudInitFile => ({
    path,
    content,
    owner: 'root:root',
    permissions,
  });
  const caCerts = cloudInitCaCerts(input.egress ?? {});
  return {
    ...(caCerts ? { ca_certs: caCerts } : {}),
    write_files: [
      ...bootstrapEgressFiles(input.egress ?? {}),
      file(paths.helper, bootstrapHelperScript, '0755'),
      file(paths.settings, `${JSON.stringify(settings, null, 2)}\n`, '0644'),
      file(paths.reportSecret, `${input.reportSecret}\n`, '0600'),
      file(paths.apiToken, `${input.apiToken}\n`, '0600'),
      // The manifest holds the credentials Secret, so it is as private as the token.
      file(paths.capiYaml, input.capiYaml, '0600'),
      // The refresh token reaches the workload cluster only as the vcloud-basic-auth Secret in this file.
      ...(input.addons?.sources.length
        ? [
            file(
              paths.addonConfig,
              renderVcdAddonConfig({
                vcdUrl: input.vcd.url,
                org: input.vcd.org,
                orgVdc: input.addons.orgVdc,
                network: input.addons.network,
                clusterName: input.clusterName,
                clusterId: input.clusterId,
                refreshToken: input.apiToken,
              }),
              '0600',
            ),
          ]
        : []),
      file(
        paths.clusterctlConfig,
        stringify(
          clusterctlConfig({
            components: settings.components,
            componentsMirror: input.componentsMirror,
            providerImageRegistry: settings.providerImageRegistry,
          }),
        ),
        '0644',
      ),
    ],
    runcmd: bootstrapCommands(settings),
  };
}

/** The `guestinfo.userdata` text: `#cloud-config` and the document. */
export function renderBootstrapCloudInit(input: BootstrapInput): string {
  return `#cloud-config\n${stringify(buildBootstrapCloudConfig(input), { lineWidth: 0, aliasDuplicateObjects: false })}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Reading a cloud-init back
// ---------------------------------------------------------------------------------------------------------------

export class CloudInitParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CloudInitParseError';
  }
}

export interface ExtractedCloudInit {
  /** The whole document as parsed. */
  config: Record<string, unknown>;
  /** `write_files` by path, contents decoded. */
  files: Map<string, CloudInitFile>;
  /** The bootstrap settings, when the document is one of ours. */
  settings?: BootstrapSettings;
  runcmd: Array<string | string[]>;
}

/** Reads a `#cloud-config` document: its files (decoded) and, if present, our bootstrap settings. */
export function extractCloudInit(text: string): ExtractedCloudInit {
  if (!/^#cloud-config[ \t]*\r?\n/.test(text))
    throw new CloudInitParseError('the user data does not start with #cloud-config');
  let config: unknown;
  try {
    config = parse(text);
  } catch (error) {
    throw new CloudInitParseError(`the user data is not valid YAML: ${(error as Error).message}`);
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new CloudInitParseError('the user data is not a YAML mapping');
  }
  const record = config as Record<string, unknown>;
  const files = new Map<string, CloudInitFile>();
  const items = record['write_files'] ?? [];
  if (!Array.isArray(items)) throw new CloudInitParseError('write_files is not a list');
  for (const item of items as unknown[]) {
    if (typeof item !== 'object' || item === null || typeof (item as CloudInitFile).path !== 'string') {
      throw new CloudInitParseError('a write_files item has no path');
    }
    const entry = item as CloudInitFile & { encoding?: string };
    const raw = typeof entry.content === 'string' ? entry.content : '';
    const encoding = entry.encoding;
    const content =
      encoding && ['b64', 'base64'].includes(encoding) ? Buffer.from(raw, 'base64').toString('utf8') : raw;
    files.set(entry.path, { ...entry, content, encoding: undefined });
  }
  const settingsFile = files.get(bootstrapPaths.settings);
  let settings: BootstrapSettings | undefined;
  if (settingsFile) {
    try {
      settings = JSON.parse(settingsFile.content) as BootstrapSettings;
    } catch {
      throw new CloudInitParseError(`${bootstrapPaths.settings} is not valid JSON`);
    }
  }
  const runcmd = Array.isArray(record['runcmd']) ? (record['runcmd'] as Array<string | string[]>) : [];
  return { config: record, files, ...(settings ? { settings } : {}), runcmd };
}
