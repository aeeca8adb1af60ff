import {
  type ClusterSpec,
  type ClusterSpecContext,
  type FieldError,
  type WorkerPoolSpec,
  clusterSpecDefaults,
  clusterSpecMessages,
  fieldLabel,
  validateClusterSpecRules,
} from '@cse/cluster-spec-rules';

/**
 * The wizard's form: what the user typed, as typed (numbers stay text until they parse, so nothing the user wrote
 * is lost), and the pure functions that turn it into the cluster spec and check it with the API's own rules.
 */

export interface NodeGroupForm {
  count: string;
  /** Empty means the VDC's default. */
  sizingPolicy: string;
  storageProfile: string;
  diskGiB: string;
}

export interface PoolForm extends NodeGroupForm {
  name: string;
}

export interface WizardForm {
  name: string;
  orgVdc: string;
  template: string;
  controlPlane: NodeGroupForm;
  workerPools: PoolForm[];
  network: string;
  podCidr: string;
  serviceCidr: string;
  sshKey: string;
  contour: boolean;
}

export const wizardSteps = [
  'general',
  'template',
  'controlPlane',
  'workers',
  'network',
  'ingress',
  'review',
] as const;
export type WizardStep = (typeof wizardSteps)[number];

export function newPool(index: number): PoolForm {
  return {
    name: index === 0 ? 'workers' : `workers-${index + 1}`,
    count: String(clusterSpecDefaults.workerCount),
    sizingPolicy: '',
    storageProfile: '',
    diskGiB: String(clusterSpecDefaults.diskGiB),
  };
}

export function initialForm(): WizardForm {
  return {
    name: '',
    orgVdc: '',
    template: '',
    controlPlane: {
      count: String(clusterSpecDefaults.controlPlaneCount),
      sizingPolicy: '',
      storageProfile: '',
      diskGiB: String(clusterSpecDefaults.diskGiB),
    },
    workerPools: [newPool(0)],
    network: '',
    podCidr: clusterSpecDefaults.podCidr,
    serviceCidr: clusterSpecDefaults.serviceCidr,
    sshKey: '',
    contour: clusterSpecDefaults.contourEnabled,
  };
}

const wholeNumber = /^\s*-?\d+\s*$/;

function toNumber(text: string): number {
  return wholeNumber.test(text) ? Number(text) : Number.NaN;
}

function group(form: NodeGroupForm): ClusterSpec['controlPlane'] {
  return {
    count: toNumber(form.count),
    ...(form.sizingPolicy ? { sizingPolicy: form.sizingPolicy } : {}),
    ...(form.storageProfile ? { storageProfile: form.storageProfile } : {}),
    diskGiB: toNumber(form.diskGiB),
  };
}

/** The spec the wizard submits: exactly the fields the user set, optional policies left out when on default. */
export function toClusterSpec(form: WizardForm): ClusterSpec {
  const sshKey = form.sshKey.trim();
  return {
    name: form.name.trim(),
    orgVdc: form.orgVdc,
    network: form.network,
    template: form.template,
    controlPlane: group(form.controlPlane),
    workerPools: form.workerPools.map((pool): WorkerPoolSpec => ({ name: pool.name.trim(), ...group(pool) })),
    podCidr: form.podCidr.trim(),
    serviceCidr: form.serviceCidr.trim(),
    ...(sshKey ? { sshKey } : {}),
    ingress: { contour: { enabled: form.contour } },
  };
}

/** The wizard step that shows a field (`workerPools[1].name` → workers). */
export function stepOfField(field: string): WizardStep {
  const head = field.split(/[.[]/)[0];
  switch (head) {
    case 'name':
    case 'orgVdc':
      return 'general';
    case 'template':
      return 'template';
    case 'controlPlane':
      return 'controlPlane';
    case 'workerPools':
      return 'workers';
    case 'network':
    case 'podCidr':
    case 'serviceCidr':
    case 'sshKey':
      return 'network';
    case 'ingress':
      return 'ingress';
    default:
      return 'review';
  }
}

/** Fields the user must fill in before the rules can say anything about them. */
function structuralErrors(form: WizardForm, spec: ClusterSpec): FieldError[] {
  const errors: FieldError[] = [];
  const required = (field: string, value: string) => {
    if (!value.trim())
      errors.push({
        field,
        rule: 'required',
        message: clusterSpecMessages.required(fieldLabel(field, spec)),
      });
  };
  const number = (field: string, value: string) => {
    if (!value.trim()) required(field, value);
    else if (!wholeNumber.test(value)) {
      errors.push({
        field,
        rule: 'type',
        message: clusterSpecMessages.type(fieldLabel(field, spec), 'a whole number'),
      });
    }
  };
  required('name', form.name);
  required('orgVdc', form.orgVdc);
  required('template', form.template);
  number('controlPlane.count', form.controlPlane.count);
  number('controlPlane.diskGiB', form.controlPlane.diskGiB);
  form.workerPools.forEach((pool, index) => {
    required(`workerPools[${index}].name`, pool.name);
    number(`workerPools[${index}].count`, pool.count);
    number(`workerPools[${index}].diskGiB`, pool.diskGiB);
  });
  required('network', form.network);
  required('podCidr', form.podCidr);
  required('serviceCidr', form.serviceCidr);
  return errors;
}

/**
 * Every problem of the form, at most one per field: first what is missing or not a number, then the shared rules of
 * `behaviours/validation/cluster-spec-rules.ts` (the API's own, with the same messages) against what the wizard has
 * loaded from VCD.
 */
export function formErrors(form: WizardForm, context: ClusterSpecContext): FieldError[] {
  const spec = toClusterSpec(form);
  const errors = structuralErrors(form, spec);
  const taken = new Set(errors.map((error) => error.field));
  const ruleContext = { ...context, orgVdcs: form.orgVdc ? context.orgVdcs : undefined };
  for (const error of validateClusterSpecRules(spec, ruleContext)) {
    if (taken.has(error.field)) continue;
    // Context rules about a field not yet chosen add nothing to "is required".
    if (error.field === 'template' && !form.template) continue;
    if (error.field === 'network' && !form.network) continue;
    taken.add(error.field);
    errors.push(error);
  }
  return errors;
}

export function errorsOfStep(errors: readonly FieldError[], step: WizardStep): FieldError[] {
  return errors.filter((error) => stepOfField(error.field) === step);
}

/** What the review step shows: the exact request body, with the API token masked. */
export function reviewJson(spec: ClusterSpec, token: 'created' | 'pasted' = 'created'): string {
  // A pasted token has no id the wizard knows: nothing revokes it when the cluster goes.
  const masked =
    token === 'created' ? { apiToken: '********', apiTokenId: '********' } : { apiToken: '********' };
  return JSON.stringify({ ...spec, ...masked }, null, 2);
}

/** The name of the VCD API token the wizard creates for a cluster. */
export function apiTokenName(clusterName: string): string {
  return `cse-cluster-${clusterName}`;
}
