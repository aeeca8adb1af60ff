/**
 * The cluster entity as the worker sees it (types of `spec`, `status` and the secure `private` section), and the
 * validation of API request bodies: ajv against the entity type's own schema for structure, then the shared rule
 * module for values and context. Both produce `FieldError`s with messages from the one catalogue.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { clusterEntityType, clusterSpecSchema } from '../../behaviours/index.ts';
import {
  clusterSpecLimits,
  clusterSpecMessages,
  fieldLabel,
  validateClusterSpecRules,
  withClusterSpecDefaults,
  type ClusterSpec,
  type ClusterSpecContext,
  type CompleteClusterSpec,
  type FieldError,
} from '../../behaviours/validation/cluster-spec-rules.ts';
import type { SecureMask } from '../vcd/rde-secure-fields.ts';

export {
  clusterSpecDefaults,
  clusterSpecLimits,
  clusterSpecMessages,
  fieldLabel,
  withClusterSpecDefaults,
} from '../../behaviours/validation/cluster-spec-rules.ts';
export type {
  ClusterSpec,
  ClusterSpecContext,
  CompleteClusterSpec,
  ControlPlaneSpec,
  FieldError,
  NetworkOffer,
  NodeGroupSpec,
  TemplateOffer,
  WorkerPoolSpec,
} from '../../behaviours/validation/cluster-spec-rules.ts';

// ---------------------------------------------------------------------------------------------------------------
// Status and secrets
// ---------------------------------------------------------------------------------------------------------------

export const clusterPhases = ['Pending', 'Provisioning', 'Ready', 'Updating', 'Deleting', 'Failed'] as const;
export type ClusterPhase = (typeof clusterPhases)[number];

/** The entity type keeps at most this many events; the oldest go first. */
export const EVENT_LOG_LIMIT = 100;

export interface ClusterCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface ClusterLease {
  /** Id of the worker replica holding the cluster. */
  holder: string;
  /** ISO time; after it any replica may take over. */
  expiresAt: string;
}

export interface ClusterOperation {
  name: 'create' | 'update' | 'delete' | 'retry';
  step?: string;
  attempt?: number;
  startedAt?: string;
  stepStartedAt?: string;
  lease?: ClusterLease;
}

export interface BootstrapReportStatus {
  phase?: string;
  status?: 'succeeded' | 'failed';
  message?: string;
  reportedAt?: string;
}

export interface Endpoint {
  host: string;
  port: number;
}

export interface ClusterEndpoints {
  controlPlane?: Endpoint;
  ingress?: { host: string; ports?: number[] };
}

export interface NodePoolStatus {
  /** `control-plane` or the worker pool's name. */
  name: string;
  desired: number;
  ready: number;
}

/** A node of the workload cluster as the worker last saw it through the Kubernetes API (`status.nodes`). */
export interface ClusterNodeStatus {
  name: string;
  role: 'control-plane' | 'worker';
  /** `control-plane`, the worker pool's name, or null when the node's name matches no pool. */
  pool: string | null;
  /** InternalIP. */
  ip: string;
  ready: boolean;
  /** The kubelet's version, e.g. `v1.28.7+vmware.1`; null when not reported. */
  kubernetesVersion: string | null;
  /** The VCD VM behind the node (`urn:vcloud:vm:<uuid>`, from the node's provider id); null when unknown. */
  vmId: string | null;
}

export interface ClusterVersions {
  kubernetes?: string;
  tkg?: string;
  template?: string;
}

/** A VCD object created for the cluster, recorded before it is created. */
export interface ClusterResource {
  /** e.g. `vApp`, `vm`, `ipSpaceAllocation`, `loadBalancerPool`, `virtualService`. */
  type: string;
  /** VCD id, or the deterministic name until VCD has given it an id. */
  id: string;
  name?: string;
  purpose?: string;
}

export interface ClusterEvent {
  time: string;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

export interface ClusterStatus {
  phase?: ClusterPhase;
  message?: string;
  conditions?: ClusterCondition[];
  operation?: ClusterOperation;
  bootstrap?: BootstrapReportStatus;
  endpoints?: ClusterEndpoints;
  nodePools?: NodePoolStatus[];
  /** Written when the cluster becomes Ready. */
  nodes?: ClusterNodeStatus[];
  versions?: ClusterVersions;
  resources?: ClusterResource[];
  events?: ClusterEvent[];
}

/** Write-only, encrypted by VCD (`x-vcloud-restricted: [private, secure]`). Never logged, never returned by a GET. */
export interface ClusterSecrets {
  kubeconfig?: string;
  apiToken?: string;
  /** Set when the token was created for this cluster: it is revoked when the cluster is deleted. */
  apiTokenId?: string;
  bootstrapSecret?: string;
}

/** The `entity` of a cluster RDE. */
export interface ClusterEntity {
  spec: CompleteClusterSpec;
  status?: ClusterStatus;
  /** In clear only where the worker writes it or VCD hands it over; a GET shows it masked (API 38.0 on) or not at all. */
  private?: ClusterSecrets | SecureMask;
}

// ---------------------------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------------------------

/** Body of `POST /api/cse/v1/clusters`: the specification plus the owner's API token. */
export type ClusterCreateRequest = ClusterSpec & {
  /** The owner's VCD API (refresh) token the cluster acts with. */
  apiToken: string;
  /** Id of that token under `/cloudapi/1.0.0/tokens` when it was created for this cluster (revoked on delete). */
  apiTokenId?: string;
};

export type ClusterCreateValidation =
  | {
      ok: true;
      spec: CompleteClusterSpec;
      secrets: Required<Pick<ClusterSecrets, 'apiToken'>> & ClusterSecrets;
    }
  | { ok: false; errors: FieldError[] };

export type ClusterSpecValidation =
  { ok: true; spec: CompleteClusterSpec } | { ok: false; errors: FieldError[] };

// ajv-formats is CommonJS; under NodeNext its default export arrives as the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function newAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true });
  // VCD's own annotation for protected, private and secure fields.
  ajv.addKeyword({ keyword: 'x-vcloud-restricted', schemaType: ['string', 'array'] });
  addFormats(ajv);
  return ajv;
}

const requestSchema = {
  ...clusterSpecSchema,
  required: [...(clusterSpecSchema['required'] as string[]), 'apiToken'],
  properties: {
    ...(clusterSpecSchema['properties'] as Record<string, unknown>),
    apiToken: { type: 'string', minLength: 1, maxLength: 4096 },
    apiTokenId: { type: 'string', minLength: 1, maxLength: 256 },
  },
};

const ajv = newAjv();
const checkRequest: ValidateFunction = ajv.compile(requestSchema);
const checkSpec: ValidateFunction = ajv.compile(clusterSpecSchema);
const checkEntity: ValidateFunction = ajv.compile(clusterEntityType.schema);

/** Validates the body of `POST /api/cse/v1/clusters`; on success returns the spec with defaults and the secrets. */
export function validateCreateRequest(body: unknown, context?: ClusterSpecContext): ClusterCreateValidation {
  const result = validateWith(checkRequest, body, context);
  if (!result.ok) return result;
  const { apiToken, apiTokenId, ...spec } = result.value as ClusterCreateRequest;
  return {
    ok: true,
    spec: withClusterSpecDefaults(spec),
    secrets: apiTokenId === undefined ? { apiToken } : { apiToken, apiTokenId },
  };
}

/** Validates a specification alone (an update, or a spec read back from VCD). */
export function validateClusterSpec(spec: unknown, context?: ClusterSpecContext): ClusterSpecValidation {
  const result = validateWith(checkSpec, spec, context);
  return result.ok ? { ok: true, spec: withClusterSpecDefaults(result.value as ClusterSpec) } : result;
}

/** Checks a whole entity (`spec`, `status`, `private`) against the entity type's schema, as VCD does. */
export function validateClusterEntity(entity: unknown): FieldError[] {
  if (checkEntity(entity)) return [];
  return (checkEntity.errors ?? []).map((error) => describeSchemaError(error, entity, 'spec'));
}

const STRUCTURE = new Set(['required', 'additionalProperties', 'type', 'enum']);

function validateWith(
  check: ValidateFunction,
  body: unknown,
  context: ClusterSpecContext | undefined,
): { ok: true; value: unknown } | { ok: false; errors: FieldError[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return {
      ok: false,
      errors: [{ field: '', rule: 'type', message: 'The request body must be a JSON object.' }],
    };
  }
  const valid = check(body);
  const schemaErrors = (check.errors ?? []).map((error) => describeSchemaError(error, body, ''));
  const structural = schemaErrors.filter((_, index) => STRUCTURE.has(check.errors?.[index]?.keyword ?? ''));
  if (structural.length > 0) return { ok: false, errors: dedupe(schemaErrors) };

  // The structure is right, so the rules can read the spec; their messages are more precise than the schema's,
  // so a schema error on a field the rules also reject is dropped.
  const ruleErrors = validateClusterSpecRules(body as ClusterSpec, context);
  const ruled = new Set(ruleErrors.map((error) => error.field));
  const errors = dedupe([...ruleErrors, ...schemaErrors.filter((error) => !ruled.has(error.field))]);
  return valid && errors.length === 0 ? { ok: true, value: body } : { ok: false, errors };
}

function dedupe(errors: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errors.filter((error) => {
    const key = `${error.field}\n${error.rule}\n${error.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** `/workerPools/1/name` → `workerPools[1].name`. */
function fieldPath(pointer: string, extra?: string): string {
  const parts = pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (extra !== undefined) parts.push(extra);
  return parts.reduce(
    (path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part),
    '',
  );
}

const typeWords: Record<string, string> = {
  string: 'text',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
};

/** Words a schema error in the catalogue's terms. `root` is the spec's position in the validated document. */
function describeSchemaError(error: ErrorObject, document: unknown, root: string): FieldError {
  const params = error.params as Record<string, unknown>;
  const specOf = (doc: unknown): unknown =>
    root && typeof doc === 'object' && doc !== null && root in doc
      ? (doc as Record<string, unknown>)[root]
      : doc;
  const label = (field: string): string =>
    fieldLabel(field.startsWith('spec.') ? field.slice(5) : field, specOf(document));
  const value = valueAt(document, error.instancePath);
  const m = clusterSpecMessages;
  switch (error.keyword) {
    case 'required': {
      const field = fieldPath(error.instancePath, String(params['missingProperty']));
      return { field, rule: 'required', message: m.required(label(field)) };
    }
    case 'additionalProperties': {
      const field = fieldPath(error.instancePath, String(params['additionalProperty']));
      return { field, rule: 'unknown-field', message: m['unknown-field'](field) };
    }
    case 'type': {
      const field = fieldPath(error.instancePath);
      const expected = String(params['type'])
        .split(',')
        .map((type) => typeWords[type] ?? type)
        .join(' or ');
      return { field, rule: 'type', message: m.type(label(field) || 'The body', expected) };
    }
    case 'enum': {
      const field = fieldPath(error.instancePath);
      return {
        field,
        rule: 'enum',
        message: m.enum(label(field), (params['allowedValues'] as unknown[]).map(String)),
      };
    }
    default:
      return describeValueError(error, fieldPath(error.instancePath), label, value);
  }
}

/** Value keywords (pattern, bounds) mapped to the rule the shared module would report for that field. */
function describeValueError(
  error: ErrorObject,
  field: string,
  label: (field: string) => string,
  value: unknown,
): FieldError {
  const m = clusterSpecMessages;
  const limits = clusterSpecLimits;
  const text = String(value);
  const leaf = field.split('.').pop() ?? field;
  if (error.keyword === 'minLength' && (error.params as { limit: number }).limit === 1) {
    return { field, rule: 'required', message: m.required(label(field)) };
  }
  if (error.keyword === 'maxLength') {
    const max = (error.params as { limit: number }).limit;
    return { field, rule: 'max-length', message: m['max-length'](label(field), text, max) };
  }
  if (leaf === 'name' && error.keyword === 'pattern') {
    return { field, rule: 'dns-label', message: m['dns-label'](label(field), text) };
  }
  if ((leaf === 'podCidr' || leaf === 'serviceCidr') && error.keyword === 'pattern') {
    return { field, rule: 'cidr', message: m.cidr(label(field), text) };
  }
  if (leaf === 'sshKey') return { field, rule: 'ssh-key', message: m['ssh-key'](label(field)) };
  if (leaf === 'diskGiB') {
    return {
      field,
      rule: 'disk-size',
      message: m['disk-size'](label(field), Number(value), limits.minDiskGiB, limits.maxDiskGiB),
    };
  }
  if (field === 'controlPlane.count') {
    return { field, rule: 'odd-count', message: m['odd-count'](label(field), Number(value)) };
  }
  if (leaf === 'count') {
    const message = m['node-count'](label(field), Number(value), limits.minPoolNodes, limits.maxPoolNodes);
    return { field, rule: 'node-count', message };
  }
  if (field === 'workerPools') {
    return { field, rule: 'worker-pools', message: m['worker-pools'](1, limits.maxWorkerPools) };
  }
  return { field, rule: 'type', message: `${label(field)} ${error.message ?? 'is not valid'}.` };
}

function valueAt(document: unknown, pointer: string): unknown {
  let node: unknown = document;
  for (const part of pointer.split('/').slice(1)) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node;
}
