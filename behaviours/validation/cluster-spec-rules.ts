/**
 * The rules a cluster specification must satisfy, shared by the worker (after ajv has checked the structure) and the
 * UI plugin's wizard (as the user types). This file imports nothing, so the Angular plugin can compile it as is.
 *
 * Every failure is a `FieldError`: the field path as the wizard names its controls (`workerPools[1].name`), a stable
 * rule id, and a message from `clusterSpecMessages` that says what is wrong and what to do about it.
 */

// ---------------------------------------------------------------------------------------------------------------
// The specification
// ---------------------------------------------------------------------------------------------------------------

/** Placement and size of one group of nodes (the control plane or a worker pool). */
export interface NodeGroupSpec {
  count: number;
  /** VM sizing policy name; absent means the VDC's default sizing policy. */
  sizingPolicy?: string;
  placementPolicy?: string;
  /** Storage profile name; absent means the VDC's default storage profile. */
  storageProfile?: string;
  diskGiB: number;
}

export type ControlPlaneSpec = NodeGroupSpec;

export interface WorkerPoolSpec extends NodeGroupSpec {
  name: string;
}

export interface ClusterSpec {
  name: string;
  /** Name of the organisation VDC that hosts the cluster's VMs. */
  orgVdc: string;
  /** Name of the routed org VDC network the nodes attach to. */
  network: string;
  /** Name of the TKG vApp template (as published to the organisation). */
  template: string;
  controlPlane: ControlPlaneSpec;
  workerPools: WorkerPoolSpec[];
  podCidr?: string;
  serviceCidr?: string;
  /** One OpenSSH public key line for the nodes' root user, or empty. */
  sshKey?: string;
  ingress?: { contour: { enabled: boolean } };
  nodeHealthCheck?: { enabled: boolean };
}

/** A specification with every optional setting filled in (what the worker stores in the RDE). */
export type CompleteClusterSpec = ClusterSpec & {
  podCidr: string;
  serviceCidr: string;
  sshKey: string;
  ingress: { contour: { enabled: boolean } };
  nodeHealthCheck: { enabled: boolean };
};

// ---------------------------------------------------------------------------------------------------------------
// Defaults and limits
// ---------------------------------------------------------------------------------------------------------------

/** Defaults as TKG uses them. */
export const clusterSpecDefaults = {
  podCidr: '100.96.0.0/11',
  serviceCidr: '100.64.0.0/13',
  controlPlaneCount: 1,
  workerCount: 1,
  diskGiB: 20,
  sshKey: '',
  contourEnabled: true,
  nodeHealthCheckEnabled: false,
} as const;

export const clusterSpecLimits = {
  /** CAPVCD appends `-<rde id>-tcp` and machine suffixes to names; CSE caps names at 31 characters. */
  nameMaxLength: 31,
  poolNameMaxLength: 31,
  controlPlaneCounts: [1, 3, 5] as readonly number[],
  maxWorkerPools: 10,
  minPoolNodes: 0,
  maxPoolNodes: 100,
  minDiskGiB: 20,
  maxDiskGiB: 2048,
  /** Widest pod range accepted (a /8) and narrowest (a /24 holds one node's pods). */
  podCidrPrefix: { min: 8, max: 24 },
  /** kube-apiserver refuses service ranges wider than /12; narrower than /28 leaves no room for services. */
  serviceCidrPrefix: { min: 12, max: 28 },
  /** Docker and the KinD bootstrap cluster use these; VMware's CSE prerequisites forbid them. */
  reservedCidrs: ['172.17.0.0/16', '172.18.0.0/16'] as readonly string[],
} as const;

export function withClusterSpecDefaults(spec: ClusterSpec): CompleteClusterSpec {
  return {
    ...spec,
    podCidr: spec.podCidr ?? clusterSpecDefaults.podCidr,
    serviceCidr: spec.serviceCidr ?? clusterSpecDefaults.serviceCidr,
    sshKey: spec.sshKey ?? clusterSpecDefaults.sshKey,
    ingress: spec.ingress ?? { contour: { enabled: clusterSpecDefaults.contourEnabled } },
    nodeHealthCheck: spec.nodeHealthCheck ?? { enabled: clusterSpecDefaults.nodeHealthCheckEnabled },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Errors and their messages
// ---------------------------------------------------------------------------------------------------------------

export type ClusterSpecRule =
  // structure (reported by the worker's ajv pass, worded here so the UI and API agree)
  | 'required'
  | 'type'
  | 'unknown-field'
  | 'enum'
  // values
  | 'dns-label'
  | 'max-length'
  | 'odd-count'
  | 'node-count'
  | 'worker-pools'
  | 'worker-nodes'
  | 'unique'
  | 'disk-size'
  | 'cidr'
  | 'cidr-aligned'
  | 'cidr-size'
  | 'overlap'
  | 'reserved-range'
  | 'ssh-key'
  // context
  | 'name-taken'
  | 'vdc-available'
  | 'template-published'
  | 'template-expired'
  | 'template-usable'
  | 'sizing-policy-available'
  | 'placement-policy-available'
  | 'storage-profile-available'
  | 'network-available'
  | 'alb-gateway';

export interface FieldError {
  /** Path as the wizard names its controls: `name`, `controlPlane.count`, `workerPools[1].name`. */
  field: string;
  rule: ClusterSpecRule;
  message: string;
}

const quote = (value: unknown): string => JSON.stringify(String(value));
const list = (values: readonly string[]): string => (values.length ? values.map(quote).join(', ') : 'none');

/**
 * Every message the API and the wizard show for a bad specification. `label` is the field in plain words
 * (`fieldLabel`), e.g. `Worker pool "gpu" disk size`.
 */
export const clusterSpecMessages = {
  required: (label: string) => `${label} is required.`,
  type: (label: string, expected: string) => `${label} must be ${expected}.`,
  'unknown-field': (field: string) =>
    `${quote(field)} is not a cluster setting; remove it or check its spelling.`,
  enum: (label: string, allowed: readonly string[]) => `${label} must be one of ${list(allowed)}.`,
  'dns-label': (label: string, value: string) =>
    `${label} must use only lowercase letters, digits and '-', start with a letter and end with a letter or digit; ${quote(value)} does not.`,
  'max-length': (label: string, value: string, max: number) =>
    `${label} must be at most ${max} characters; ${quote(value)} has ${value.length}.`,
  'odd-count': (label: string, value: number) =>
    `${label} must be 1, 3 or 5 so that etcd keeps a majority; ${value} is not.`,
  'node-count': (label: string, value: number, min: number, max: number) =>
    `${label} must be a whole number from ${min} to ${max}; ${value} is not.`,
  'worker-pools': (min: number, max: number) => `A cluster needs from ${min} to ${max} worker pools.`,
  'worker-nodes': () => 'The worker pools must have at least one node in total, or no workload can run.',
  unique: (value: string) => `Worker pool names must be unique: ${quote(value)} is used twice.`,
  'disk-size': (label: string, value: number, min: number, max: number) =>
    `${label} must be a whole number of GiB from ${min} to ${max}; ${value} is not.`,
  cidr: (label: string, value: string) =>
    `${label} must be an IPv4 range in CIDR notation such as 100.96.0.0/11; ${quote(value)} is not.`,
  'cidr-aligned': (label: string, value: string, aligned: string) =>
    `${label} ${quote(value)} has host bits set; did you mean ${quote(aligned)}?`,
  'cidr-size': (label: string, value: string, min: number, max: number) =>
    `${label} must have a prefix length from /${min} to /${max}; ${quote(value)} does not.`,
  overlap: (label: string, value: string, otherLabel: string, other: string) =>
    `${label} ${quote(value)} overlaps the ${otherLabel} ${quote(other)}; choose ranges that do not overlap.`,
  'reserved-range': (label: string, value: string, reserved: string) =>
    `${label} ${quote(value)} overlaps ${reserved}, which Docker and the bootstrap cluster use; choose another range.`,
  'ssh-key': (label: string) =>
    `${label} must be one OpenSSH public key line such as "ssh-ed25519 AAAA… user@host", or empty.`,
  'name-taken': (value: string) =>
    `A cluster named ${quote(value)} already exists in your organisation; choose another name.`,
  'vdc-available': (value: string, available: readonly string[]) =>
    `Organisation VDC ${quote(value)} is not available to you; available: ${list(available)}.`,
  'template-published': (value: string) =>
    `Kubernetes template ${quote(value)} is not published to your organisation; choose a listed template or ask your provider to publish it.`,
  'template-expired': (value: string, expiredAt: string) =>
    `Kubernetes template ${quote(value)} expired on ${expiredAt}; choose a newer template.`,
  'template-usable': (value: string, reason: string) =>
    `Kubernetes template ${quote(value)} cannot be used: ${reason}; choose a template the templates list shows as usable, or ask your provider to replace it.`,
  'sizing-policy-available': (label: string, value: string, vdc: string, available: readonly string[]) =>
    `${label} ${quote(value)} is not available in VDC ${quote(vdc)}; available: ${list(available)}.`,
  'placement-policy-available': (label: string, value: string, vdc: string, available: readonly string[]) =>
    `${label} ${quote(value)} is not available in VDC ${quote(vdc)}; available: ${list(available)}.`,
  'storage-profile-available': (label: string, value: string, vdc: string, available: readonly string[]) =>
    `${label} ${quote(value)} is not available in VDC ${quote(vdc)}; available: ${list(available)}.`,
  'network-available': (value: string, vdc: string, available: readonly string[]) =>
    `Network ${quote(value)} is not a network of VDC ${quote(vdc)}; available: ${list(available)}.`,
  'alb-gateway': (value: string) =>
    `Network ${quote(value)} is not routed through an edge gateway with the NSX Advanced Load Balancer enabled; choose another network or ask your provider to enable load balancing on its gateway.`,
} as const satisfies Record<ClusterSpecRule, (...args: never[]) => string>;

const topLabels: Record<string, string> = {
  name: 'Cluster name',
  orgVdc: 'Organisation VDC',
  network: 'Network',
  template: 'Kubernetes template',
  controlPlane: 'Control plane',
  workerPools: 'Worker pools',
  podCidr: 'Pod CIDR',
  serviceCidr: 'Service CIDR',
  sshKey: 'SSH public key',
  ingress: 'Ingress',
  nodeHealthCheck: 'Node health check',
  apiToken: 'API token',
};

const groupLabels: Record<string, string> = {
  count: 'node count',
  sizingPolicy: 'sizing policy',
  placementPolicy: 'placement policy',
  storageProfile: 'storage profile',
  diskGiB: 'disk size',
  name: 'name',
  contour: 'Contour',
  enabled: 'enabled',
};

/**
 * The field in plain words: `workerPools[1].diskGiB` → `Worker pool "gpu" disk size` (or `Worker pool 2 disk size`
 * when the pool has no usable name yet).
 */
export function fieldLabel(field: string, spec?: unknown): string {
  const parts = field.split('.');
  const head = parts[0] ?? field;
  const rest = parts.slice(1).map((part) => groupLabels[part] ?? part);
  const pool = /^workerPools\[(\d+)\]$/.exec(head);
  if (pool) {
    const index = Number(pool[1]);
    const name = poolNameAt(spec, index);
    const base = name ? `Worker pool ${quote(name)}` : `Worker pool ${index + 1}`;
    return rest.length ? `${base} ${rest.join(' ')}` : base;
  }
  const base = topLabels[head] ?? head;
  return rest.length ? `${base} ${rest.join(' ')}` : base;
}

function poolNameAt(spec: unknown, index: number): string | undefined {
  if (!isRecord(spec) || !Array.isArray(spec['workerPools'])) return undefined;
  const pool: unknown = spec['workerPools'][index];
  const name = isRecord(pool) ? pool['name'] : undefined;
  return typeof name === 'string' && DNS_LABEL.test(name) ? name : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------------------------------
// IPv4 ranges
// ---------------------------------------------------------------------------------------------------------------

export interface Ipv4Cidr {
  /** First address of the range as an unsigned 32-bit number. */
  start: number;
  /** Last address of the range. */
  end: number;
  prefix: number;
  /** The address as written (may have host bits set). */
  address: number;
}

const OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const CIDR = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}/(3[0-2]|[12]?\\d)$`);

export function parseIpv4Cidr(text: string): Ipv4Cidr | undefined {
  const match = CIDR.exec(text);
  if (!match) return undefined;
  const address =
    ((Number(match[1]) << 24) | (Number(match[2]) << 16) | (Number(match[3]) << 8) | Number(match[4])) >>> 0;
  const prefix = Number(match[5]);
  const size = 2 ** (32 - prefix);
  const start = Math.floor(address / size) * size;
  return { start, end: start + size - 1, prefix, address };
}

export function formatIpv4Cidr(cidr: Pick<Ipv4Cidr, 'start' | 'prefix'>): string {
  const n = cidr.start;
  return `${Math.floor(n / 2 ** 24) % 256}.${Math.floor(n / 2 ** 16) % 256}.${Math.floor(n / 2 ** 8) % 256}.${n % 256}/${cidr.prefix}`;
}

export function cidrsOverlap(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  return a.start <= b.end && b.start <= a.end;
}

// ---------------------------------------------------------------------------------------------------------------
// SSH keys
// ---------------------------------------------------------------------------------------------------------------

const SSH_KEY_TYPES = [
  'ssh-ed25519',
  'ssh-rsa',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'sk-ssh-ed25519@openssh.com',
  'sk-ecdsa-sha2-nistp256@openssh.com',
];
const SSH_KEY_LINE = /^(\S+) ([A-Za-z0-9+/]+={0,2})(?: ([^\r\n\0]*))?$/;

/** True for one OpenSSH public key line whose base64 blob really holds a key of the type it names. */
export function isOpenSshPublicKey(line: string): boolean {
  const match = SSH_KEY_LINE.exec(line.trim());
  if (!match) return false;
  const [, type = '', blob = ''] = match;
  if (!SSH_KEY_TYPES.includes(type) || blob.length % 4 !== 0) return false;
  let bytes: string;
  try {
    bytes = atob(blob);
  } catch {
    return false;
  }
  // The blob starts with the key type as an SSH string: a 32-bit big-endian length, then the name.
  if (bytes.length < 4 + type.length) return false;
  const length =
    (bytes.charCodeAt(0) << 24) |
    (bytes.charCodeAt(1) << 16) |
    (bytes.charCodeAt(2) << 8) |
    bytes.charCodeAt(3);
  return length === type.length && bytes.slice(4, 4 + length) === type && bytes.length > 4 + length + 16;
}

// ---------------------------------------------------------------------------------------------------------------
// Rules on the specification alone
// ---------------------------------------------------------------------------------------------------------------

/** DNS-1123 label that starts with a letter (names become VM host names and Kubernetes object names). */
const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

function checkName(errors: FieldError[], field: string, label: string, value: string, max: number): void {
  if (!DNS_LABEL.test(value)) {
    errors.push({ field, rule: 'dns-label', message: clusterSpecMessages['dns-label'](label, value) });
  } else if (value.length > max) {
    errors.push({ field, rule: 'max-length', message: clusterSpecMessages['max-length'](label, value, max) });
  }
}

function checkDisk(errors: FieldError[], field: string, label: string, value: number): void {
  const { minDiskGiB: min, maxDiskGiB: max } = clusterSpecLimits;
  if (!Number.isInteger(value) || value < min || value > max) {
    errors.push({
      field,
      rule: 'disk-size',
      message: clusterSpecMessages['disk-size'](label, value, min, max),
    });
  }
}

function checkCidr(
  errors: FieldError[],
  field: string,
  label: string,
  value: string,
  bounds: { min: number; max: number },
): Ipv4Cidr | undefined {
  const cidr = parseIpv4Cidr(value);
  if (!cidr) {
    errors.push({ field, rule: 'cidr', message: clusterSpecMessages.cidr(label, value) });
    return undefined;
  }
  if (cidr.address !== cidr.start) {
    const aligned = formatIpv4Cidr(cidr);
    errors.push({
      field,
      rule: 'cidr-aligned',
      message: clusterSpecMessages['cidr-aligned'](label, value, aligned),
    });
    return undefined;
  }
  if (cidr.prefix < bounds.min || cidr.prefix > bounds.max) {
    const message = clusterSpecMessages['cidr-size'](label, value, bounds.min, bounds.max);
    errors.push({ field, rule: 'cidr-size', message });
    return undefined;
  }
  return cidr;
}

function checkReserved(
  errors: FieldError[],
  field: string,
  label: string,
  value: string,
  cidr: Ipv4Cidr,
): void {
  for (const reserved of clusterSpecLimits.reservedCidrs) {
    const range = parseIpv4Cidr(reserved);
    if (range && cidrsOverlap(cidr, range)) {
      errors.push({
        field,
        rule: 'reserved-range',
        message: clusterSpecMessages['reserved-range'](label, value, reserved),
      });
      return;
    }
  }
}

/**
 * Checks the rules that need nothing but the specification. Assumes the structure is right (types, required fields),
 * which the worker's ajv pass and the wizard's typed form guarantee.
 */
export function checkClusterSpec(spec: ClusterSpec): FieldError[] {
  const errors: FieldError[] = [];
  const limits = clusterSpecLimits;
  checkName(errors, 'name', 'Cluster name', spec.name, limits.nameMaxLength);

  const cp = spec.controlPlane;
  if (!limits.controlPlaneCounts.includes(cp.count)) {
    errors.push({
      field: 'controlPlane.count',
      rule: 'odd-count',
      message: clusterSpecMessages['odd-count']('Control plane node count', cp.count),
    });
  }
  checkDisk(errors, 'controlPlane.diskGiB', 'Control plane disk size', cp.diskGiB);

  const pools = spec.workerPools;
  if (pools.length < 1 || pools.length > limits.maxWorkerPools) {
    errors.push({
      field: 'workerPools',
      rule: 'worker-pools',
      message: clusterSpecMessages['worker-pools'](1, limits.maxWorkerPools),
    });
  }
  const seen = new Set<string>();
  pools.forEach((pool, index) => {
    const at = `workerPools[${index}]`;
    checkName(errors, `${at}.name`, fieldLabel(`${at}.name`, spec), pool.name, limits.poolNameMaxLength);
    if (seen.has(pool.name)) {
      errors.push({ field: `${at}.name`, rule: 'unique', message: clusterSpecMessages.unique(pool.name) });
    }
    seen.add(pool.name);
    if (
      !Number.isInteger(pool.count) ||
      pool.count < limits.minPoolNodes ||
      pool.count > limits.maxPoolNodes
    ) {
      const label = fieldLabel(`${at}.count`, spec);
      const message = clusterSpecMessages['node-count'](
        label,
        pool.count,
        limits.minPoolNodes,
        limits.maxPoolNodes,
      );
      errors.push({ field: `${at}.count`, rule: 'node-count', message });
    }
    checkDisk(errors, `${at}.diskGiB`, fieldLabel(`${at}.diskGiB`, spec), pool.diskGiB);
  });
  if (pools.length > 0 && pools.every((pool) => pool.count === 0)) {
    errors.push({
      field: 'workerPools',
      rule: 'worker-nodes',
      message: clusterSpecMessages['worker-nodes'](),
    });
  }

  const podText = spec.podCidr ?? clusterSpecDefaults.podCidr;
  const serviceText = spec.serviceCidr ?? clusterSpecDefaults.serviceCidr;
  const pods = checkCidr(errors, 'podCidr', 'Pod CIDR', podText, limits.podCidrPrefix);
  const services = checkCidr(errors, 'serviceCidr', 'Service CIDR', serviceText, limits.serviceCidrPrefix);
  if (pods) checkReserved(errors, 'podCidr', 'Pod CIDR', podText, pods);
  if (services) checkReserved(errors, 'serviceCidr', 'Service CIDR', serviceText, services);
  if (pods && services && cidrsOverlap(pods, services)) {
    const message = clusterSpecMessages.overlap('Pod CIDR', podText, 'service CIDR', serviceText);
    errors.push({ field: 'podCidr', rule: 'overlap', message });
  }

  if (spec.sshKey && !isOpenSshPublicKey(spec.sshKey)) {
    errors.push({
      field: 'sshKey',
      rule: 'ssh-key',
      message: clusterSpecMessages['ssh-key']('SSH public key'),
    });
  }
  return errors;
}

// ---------------------------------------------------------------------------------------------------------------
// Rules that need to know the tenant's world
// ---------------------------------------------------------------------------------------------------------------

export interface TemplateOffer {
  name: string;
  /** ISO time after which the provider no longer offers the template for new clusters. */
  expiresAt?: string | null;
  /** Why no cluster can be built from it (e.g. its product section has no `VERSION`); absent when usable. */
  unusableReason?: string | null;
}

export interface NetworkOffer {
  name: string;
  /** The network's gateway CIDR, e.g. `10.10.0.1/24`; node addresses come from it. */
  cidr?: string;
  /** True when its edge gateway has the NSX Advanced Load Balancer enabled (with a service engine group). */
  albEnabled: boolean;
}

/**
 * What the tenant may use, as the caller found it in VCD. Each rule runs only when its part is given, so the wizard
 * can check what it has already loaded.
 */
export interface ClusterSpecContext {
  /** Names of the clusters that already exist in the organisation. */
  existingClusterNames?: readonly string[];
  /** Names of the org VDCs the user may deploy to. */
  orgVdcs?: readonly string[];
  /** Templates published to the organisation. */
  templates?: readonly TemplateOffer[];
  /** Policy and profile names available in the chosen VDC. */
  sizingPolicies?: readonly string[];
  placementPolicies?: readonly string[];
  storageProfiles?: readonly string[];
  /** Networks of the chosen VDC. */
  networks?: readonly NetworkOffer[];
  /** ISO time used for template expiry; defaults to the current time. */
  now?: string;
}

export function checkClusterSpecInContext(spec: ClusterSpec, context: ClusterSpecContext): FieldError[] {
  const errors: FieldError[] = [];
  const vdc = spec.orgVdc;
  if (context.existingClusterNames?.includes(spec.name)) {
    errors.push({ field: 'name', rule: 'name-taken', message: clusterSpecMessages['name-taken'](spec.name) });
  }
  if (context.orgVdcs && !context.orgVdcs.includes(vdc)) {
    errors.push({
      field: 'orgVdc',
      rule: 'vdc-available',
      message: clusterSpecMessages['vdc-available'](vdc, context.orgVdcs),
    });
  }
  if (context.templates) {
    const offer = context.templates.find((template) => template.name === spec.template);
    const now = Date.parse(context.now ?? new Date().toISOString());
    if (!offer) {
      const message = clusterSpecMessages['template-published'](spec.template);
      errors.push({ field: 'template', rule: 'template-published', message });
    } else if (offer.expiresAt && Date.parse(offer.expiresAt) <= now) {
      const message = clusterSpecMessages['template-expired'](spec.template, offer.expiresAt);
      errors.push({ field: 'template', rule: 'template-expired', message });
    } else if (offer.unusableReason) {
      const message = clusterSpecMessages['template-usable'](spec.template, offer.unusableReason);
      errors.push({ field: 'template', rule: 'template-usable', message });
    }
  }
  const groups: Array<[string, NodeGroupSpec]> = [
    ['controlPlane', spec.controlPlane],
    ...spec.workerPools.map((pool, index): [string, NodeGroupSpec] => [`workerPools[${index}]`, pool]),
  ];
  const offers = [
    ['sizingPolicy', 'sizing-policy-available', context.sizingPolicies],
    ['placementPolicy', 'placement-policy-available', context.placementPolicies],
    ['storageProfile', 'storage-profile-available', context.storageProfiles],
  ] as const;
  for (const [at, group] of groups) {
    for (const [key, rule, available] of offers) {
      const value = group[key];
      if (!available || value === undefined || available.includes(value)) continue;
      const field = `${at}.${key}`;
      errors.push({
        field,
        rule,
        message: clusterSpecMessages[rule](fieldLabel(field, spec), value, vdc, available),
      });
    }
  }
  if (context.networks) {
    const network = context.networks.find((offer) => offer.name === spec.network);
    if (!network) {
      const names = context.networks.map((offer) => offer.name);
      const message = clusterSpecMessages['network-available'](spec.network, vdc, names);
      errors.push({ field: 'network', rule: 'network-available', message });
    } else {
      if (!network.albEnabled) {
        errors.push({
          field: 'network',
          rule: 'alb-gateway',
          message: clusterSpecMessages['alb-gateway'](spec.network),
        });
      }
      checkNodeNetwork(errors, spec, network);
    }
  }
  return errors;
}

function checkNodeNetwork(errors: FieldError[], spec: ClusterSpec, network: NetworkOffer): void {
  const nodes = network.cidr ? parseIpv4Cidr(network.cidr) : undefined;
  if (!network.cidr || !nodes) return;
  const label = `Network ${quote(network.name)}`;
  checkReserved(errors, 'network', label, network.cidr, nodes);
  const ranges = [
    ['podCidr', 'Pod CIDR', spec.podCidr ?? clusterSpecDefaults.podCidr],
    ['serviceCidr', 'Service CIDR', spec.serviceCidr ?? clusterSpecDefaults.serviceCidr],
  ] as const;
  for (const [field, rangeLabel, text] of ranges) {
    const range = parseIpv4Cidr(text);
    if (range && cidrsOverlap(range, nodes)) {
      const message = clusterSpecMessages.overlap(rangeLabel, text, 'node network', network.cidr);
      errors.push({ field, rule: 'overlap', message });
    }
  }
}

/** Both passes: the rules on the specification, then (when given) the rules that need the tenant's world. */
export function validateClusterSpecRules(spec: ClusterSpec, context?: ClusterSpecContext): FieldError[] {
  return [...checkClusterSpec(spec), ...(context ? checkClusterSpecInContext(spec, context) : [])];
}
