import settingsEntityType from '../../../../../behaviours/settings-entity-type.json';
import type { ProviderSettings, SettingsProblem } from '../../api/provider-types';
import { type TranslationKey, translate } from '../../i18n/translate.pipe';

/**
 * The settings page's form, kept pure: the settings document as text per field and back, and the page's own checks.
 * The checks read their limits, patterns and choices from the settings entity type's JSON Schema (the file
 * `cse install` registers and the API validates with), so the page and the API cannot disagree on a rule; the API
 * still checks everything (formats, PEM parsing, duplicate names) and its answers are shown by field.
 * A save starts from the document as read and changes only the fields the page shows, so a field added to the
 * schema after this page was written survives a save from it.
 */

interface SchemaNode {
  type?: string | string[];
  required?: string[];
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  maxItems?: number;
  enum?: string[];
}

const settingsSchema = settingsEntityType.schema.properties.settings as unknown as SchemaNode;

/** The schema node at a dotted path (`components.contour.sha256`); array items through `[]`. */
export function schemaAt(path: string): SchemaNode | undefined {
  let node: SchemaNode | undefined = settingsSchema;
  for (const part of path.split('.')) {
    const name = part.replace(/\[\d*\]$/, '');
    node = node?.properties?.[name];
    if (part.endsWith(']')) node = node?.items;
  }
  return node;
}

/** Whether the schema requires the last part of a dotted path in its parent object. */
function isRequired(path: string): boolean {
  const parts = path.split('.');
  const leaf = parts.pop()!;
  const parent = parts.length ? schemaAt(parts.join('.')) : settingsSchema;
  return parent?.required?.includes(leaf) ?? false;
}

/** The objects around a path that the document may leave out (`components.cni` around `components.cni.version`). */
function optionalObjectsAround(path: string): string[] {
  const parts = path.split('.');
  return parts
    .slice(0, -1)
    .map((_, index) => parts.slice(0, index + 1).join('.'))
    .filter((prefix) => !isRequired(prefix));
}

export type FieldKind = 'text' | 'integer' | 'list' | 'choice';

export interface SettingsField {
  /** The field's path in the document, as the API names it in `INVALID_SETTINGS`. */
  path: string;
  kind: FieldKind;
  /** Required in its object; in an optional object (`components.cni`) only once the object is in use. */
  required: boolean;
  /** Optional objects the field is in: left out of the document while none of their fields has a value. */
  within: string[];
  label: TranslationKey;
  /** What a value looks like, shown when it does not match the schema's pattern. */
  format?: TranslationKey;
  /** The schema's `enum`, for a choice. */
  choices?: string[];
}

export interface SettingsSection {
  id: string;
  legend: TranslationKey;
  /** Said under the legend (what leaving an optional section empty means). */
  hint?: TranslationKey;
  fields: SettingsField[];
}

/** The patterns of a release manifest's fields (`components.contour`, `components.cni`, …). */
function manifestFormats(component: string): Record<string, TranslationKey> {
  return {
    [`components.${component}.version`]: 'provider.settings.format.version',
    [`components.${component}.manifestUrl`]: 'provider.settings.format.url',
    [`components.${component}.sha256`]: 'provider.settings.format.sha256',
  };
}

/** What each schema pattern means, in words, by field. */
const formats: Record<string, TranslationKey> = {
  'registry.imageRegistry': 'provider.settings.format.registry',
  'registry.providerImageRegistry': 'provider.settings.format.registry',
  'registry.componentsMirror': 'provider.settings.format.url',
  'registry.binaryMirror': 'provider.settings.format.url',
  'components.kind': 'provider.settings.format.version',
  'components.kindNodeImage': 'provider.settings.format.image',
  'components.clusterctl': 'provider.settings.format.version',
  'components.clusterApi': 'provider.settings.format.version',
  'components.capvcd': 'provider.settings.format.version',
  'components.kubectl': 'provider.settings.format.version',
  'components.certManager': 'provider.settings.format.version',
  ...manifestFormats('contour'),
  ...manifestFormats('cni'),
  ...manifestFormats('cpi'),
  ...manifestFormats('csi'),
  'proxy.httpProxy': 'provider.settings.format.url',
  'proxy.httpsProxy': 'provider.settings.format.url',
  'proxy.noProxy': 'provider.settings.format.noProxy',
  'trustedCertificates[].name': 'provider.settings.format.certificateName',
  'trustedCertificates[].pem': 'provider.settings.format.pem',
};

function field(path: string, label: TranslationKey): SettingsField {
  const node = schemaAt(path);
  const kind: FieldKind = node?.enum
    ? 'choice'
    : node?.type === 'integer'
      ? 'integer'
      : node?.type === 'array'
        ? 'list'
        : 'text';
  return {
    path,
    kind,
    required: isRequired(path),
    within: optionalObjectsAround(path),
    label,
    format: formats[path],
    ...(node?.enum ? { choices: node.enum } : {}),
  };
}

type Addon = 'cni' | 'cpi' | 'csi';

/** The fields of an add-on's release manifest (`components.cni`, …): version, manifest URL, sha256. */
function addonFields(addon: Addon): SettingsField[] {
  // An add-on's field labels name the add-on, so no two controls of the page share a label.
  return [
    field(`components.${addon}.version`, `provider.settings.field.${addon}Version`),
    field(`components.${addon}.manifestUrl`, `provider.settings.field.${addon}ManifestUrl`),
    field(`components.${addon}.sha256`, `provider.settings.field.${addon}Sha256`),
  ];
}

/** The bootstrap phases, in the order the schema (and the bootstrap) has them. */
export const bootstrapPhases = Object.keys(schemaAt('phaseTimeouts')?.properties ?? {});

const phaseLabels: Record<string, TranslationKey> = {
  'vm-started': 'provider.settings.phase.vmStarted',
  'tools-installed': 'provider.settings.phase.toolsInstalled',
  'kind-ready': 'provider.settings.phase.kindReady',
  'capi-initialised': 'provider.settings.phase.capiInitialised',
  'cluster-applied': 'provider.settings.phase.clusterApplied',
  'control-plane-ready': 'provider.settings.phase.controlPlaneReady',
  'kubeconfig-ready': 'provider.settings.phase.kubeconfigReady',
  'addons-applied': 'provider.settings.phase.addonsApplied',
  'nodes-ready': 'provider.settings.phase.nodesReady',
  pivoted: 'provider.settings.phase.pivoted',
  done: 'provider.settings.phase.done',
};

/** The form's sections and fields: every setting of the schema (a spec checks it), so each can be edited. */
export const settingsSections: SettingsSection[] = [
  {
    id: 'registry',
    legend: 'provider.settings.section.registry',
    fields: [
      field('registry.imageRegistry', 'provider.settings.field.imageRegistry'),
      field('registry.providerImageRegistry', 'provider.settings.field.providerImageRegistry'),
      field('registry.componentsMirror', 'provider.settings.field.componentsMirror'),
      field('registry.binaryMirror', 'provider.settings.field.binaryMirror'),
    ],
  },
  {
    id: 'bootstrap',
    legend: 'provider.settings.section.bootstrap',
    fields: [
      field('bootstrap.catalog', 'provider.settings.field.bootstrapCatalog'),
      field('bootstrap.template', 'provider.settings.field.bootstrapTemplate'),
      field('bootstrap.sizingPolicy', 'provider.settings.field.bootstrapSizingPolicy'),
    ],
  },
  {
    id: 'components',
    legend: 'provider.settings.section.components',
    fields: [
      field('components.kind', 'provider.settings.field.kind'),
      field('components.kindNodeImage', 'provider.settings.field.kindNodeImage'),
      field('components.clusterctl', 'provider.settings.field.clusterctl'),
      field('components.clusterApi', 'provider.settings.field.clusterApi'),
      field('components.capvcd', 'provider.settings.field.capvcd'),
      field('components.kubectl', 'provider.settings.field.kubectl'),
      field('components.certManager', 'provider.settings.field.certManager'),
    ],
  },
  {
    id: 'cni',
    legend: 'provider.settings.section.cni',
    hint: 'provider.settings.hint.cni',
    fields: [field('components.cni.name', 'provider.settings.field.cniName'), ...addonFields('cni')],
  },
  {
    id: 'cpi',
    legend: 'provider.settings.section.cpi',
    hint: 'provider.settings.hint.cpi',
    fields: addonFields('cpi'),
  },
  {
    id: 'csi',
    legend: 'provider.settings.section.csi',
    hint: 'provider.settings.hint.csi',
    fields: addonFields('csi'),
  },
  {
    id: 'contour',
    legend: 'provider.settings.section.contour',
    fields: [
      field('components.contour.version', 'provider.settings.field.contourVersion'),
      field('components.contour.manifestUrl', 'provider.settings.field.contourManifestUrl'),
      field('components.contour.manifestFile', 'provider.settings.field.contourManifestFile'),
      field('components.contour.sha256', 'provider.settings.field.contourSha256'),
      field('components.contour.readyTimeoutSeconds', 'provider.settings.field.contourReadyTimeout'),
    ],
  },
  {
    id: 'phaseTimeouts',
    legend: 'provider.settings.section.phaseTimeouts',
    fields: bootstrapPhases.map((phase) =>
      field(`phaseTimeouts.${phase}`, phaseLabels[phase] ?? 'provider.settings.phase.other'),
    ),
  },
  {
    id: 'proxy',
    legend: 'provider.settings.section.proxy',
    fields: [
      field('proxy.httpProxy', 'provider.settings.field.httpProxy'),
      field('proxy.httpsProxy', 'provider.settings.field.httpsProxy'),
      field('proxy.noProxy', 'provider.settings.field.noProxy'),
    ],
  },
];

export const settingsFields: SettingsField[] = settingsSections.flatMap((section) => section.fields);

export interface CertificateForm {
  name: string;
  pem: string;
}

/** The form: each field's text by path, the trusted certificates, and the document as read. */
export interface SettingsForm {
  values: Record<string, string>;
  certificates: CertificateForm[];
  /** What the API answered, fields this page does not know included; a save changes only the page's fields. */
  document: Readonly<Record<string, unknown>>;
}

function valueAt(document: unknown, path: string): unknown {
  let value: unknown = document;
  for (const part of path.split('.')) {
    value = value && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  }
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function setAt(document: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  const leaf = parts.pop()!;
  let target = document;
  for (const part of parts) {
    if (!isObject(target[part])) target[part] = {};
    target = target[part] as Record<string, unknown>;
  }
  target[leaf] = value;
}

function deleteAt(document: Record<string, unknown>, path: string): void {
  const parts = path.split('.');
  const leaf = parts.pop()!;
  const parent = parts.length ? valueAt(document, parts.join('.')) : document;
  if (isObject(parent)) delete parent[leaf];
}

/** Whether an optional object is in use on the form: one of its fields has a value. */
function inUse(values: Record<string, string>, objectPath: string): boolean {
  return Object.entries(values).some(
    ([path, text]) => path.startsWith(`${objectPath}.`) && text.trim() !== '',
  );
}

/** Whether a field needs a value now: required in its object, and each optional object around it in use. */
function requiredNow(field: SettingsField, values: Record<string, string>): boolean {
  return field.required && field.within.every((objectPath) => inUse(values, objectPath));
}

export function formOf(settings: ProviderSettings): SettingsForm {
  const values: Record<string, string> = {};
  for (const { path, kind } of settingsFields) {
    const value = valueAt(settings, path);
    if (kind === 'list') values[path] = Array.isArray(value) ? value.join('\n') : '';
    else values[path] = value === undefined || value === null ? '' : String(value);
  }
  return {
    values,
    certificates: (settings.trustedCertificates ?? []).map(({ name, pem }) => ({ name, pem })),
    document: structuredClone(settings) as unknown as Record<string, unknown>,
  };
}

/** A list field's entries: one per line (commas separate too). */
export function listEntries(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((entry) => entry.trim())
    .filter(Boolean);
}

/** Adds the objects the schema requires where the document lacks them (`proxy: {}` with no proxy set). */
function addRequiredObjects(document: Record<string, unknown>, node: SchemaNode): void {
  for (const name of node.required ?? []) {
    const child = node.properties?.[name];
    if (child?.type !== 'object') continue;
    if (!isObject(document[name])) document[name] = {};
    addRequiredObjects(document[name] as Record<string, unknown>, child);
  }
}

/**
 * The document the form stands for: the document as read with the page's fields put in (empty optional fields and
 * unused optional objects left out, numbers as numbers); fields the page does not show are kept as they were.
 */
export function settingsOf(form: SettingsForm): ProviderSettings {
  const document = structuredClone(form.document) as Record<string, unknown>;
  addRequiredObjects(document, settingsSchema);
  for (const field of settingsFields) {
    const { path, kind } = field;
    const text = (form.values[path] ?? '').trim();
    if (kind === 'list') {
      const entries = listEntries(text);
      if (entries.length > 0) setAt(document, path, entries);
      else deleteAt(document, path);
    } else if (text !== '') {
      setAt(document, path, kind === 'integer' && /^-?\d+$/.test(text) ? Number(text) : text);
    } else if (requiredNow(field, form.values)) {
      setAt(document, path, '');
    } else {
      deleteAt(document, path);
    }
  }
  for (const objectPath of new Set(settingsFields.flatMap((field) => field.within))) {
    const value = valueAt(document, objectPath);
    if (isObject(value) && Object.keys(value).length === 0) deleteAt(document, objectPath);
  }
  document['trustedCertificates'] = form.certificates.map((certificate) => ({
    name: certificate.name.trim(),
    pem: certificate.pem.trim(),
  }));
  return document as unknown as ProviderSettings;
}

function matches(pattern: string | undefined, value: string): boolean {
  return pattern === undefined || new RegExp(pattern, 'u').test(value);
}

/** The page's check of one value against its schema node; the message, or null when it is fine. */
function checkText(
  text: string,
  kind: FieldKind,
  required: boolean,
  node: SchemaNode | undefined,
  format: TranslationKey | undefined,
): string | null {
  const value = text.trim();
  if (value === '') return required ? translate('provider.settings.error.required') : null;
  if (node?.enum && !node.enum.includes(value))
    return translate('provider.settings.error.oneOf', node.enum.join(', '));
  if (kind === 'integer') {
    if (!/^\d+$/.test(value)) return translate('provider.settings.error.integer');
    const number = Number(value);
    const min = node?.minimum ?? 0;
    const max = node?.maximum ?? Number.MAX_SAFE_INTEGER;
    return number < min || number > max ? translate('provider.settings.error.range', min, max) : null;
  }
  if (kind === 'list') {
    const entries = listEntries(value);
    if (node?.maxItems !== undefined && entries.length > node.maxItems)
      return translate('provider.settings.error.tooMany', node.maxItems);
    const bad = entries.find((entry) => checkText(entry, 'text', true, node?.items, format) !== null);
    if (bad !== undefined) return `${bad}: ${checkText(bad, 'text', true, node?.items, format)}`;
    const twice = entries.find((entry, index) => entries.indexOf(entry) !== index);
    return twice === undefined ? null : translate('provider.settings.error.duplicate', twice);
  }
  if (node?.maxLength !== undefined && value.length > node.maxLength)
    return translate('provider.settings.error.tooLong', node.maxLength);
  if (!matches(node?.pattern, value))
    return translate('provider.settings.error.format', translate(format ?? 'provider.settings.format.other'));
  return null;
}

export function certificatePath(index: number, part: 'name' | 'pem'): string {
  return `trustedCertificates[${index}].${part}`;
}

/** Every problem the page finds, by field path (the API's names, certificates as `trustedCertificates[i].pem`). */
export function formProblems(form: SettingsForm): Map<string, string> {
  const problems = new Map<string, string>();
  for (const field of settingsFields) {
    const { path, kind, format } = field;
    const required = requiredNow(field, form.values);
    const message = checkText(form.values[path] ?? '', kind, required, schemaAt(path), format);
    if (message) problems.set(path, message);
  }
  const names = form.certificates.map((certificate) => certificate.name.trim());
  form.certificates.forEach((certificate, index) => {
    for (const part of ['name', 'pem'] as const) {
      const message = checkText(
        certificate[part],
        'text',
        true,
        schemaAt(`trustedCertificates[].${part}`),
        formats[`trustedCertificates[].${part}`],
      );
      if (message) problems.set(certificatePath(index, part), message);
    }
    const path = certificatePath(index, 'name');
    if (!problems.has(path) && names.indexOf(names[index]!) !== index)
      problems.set(path, translate('provider.settings.error.duplicate', names[index]!));
  });
  return problems;
}

/** The field a problem the API names belongs to on this page (`proxy.noProxy[2]` is the no-proxy list's). */
export function fieldOfProblem(problem: SettingsProblem, form: SettingsForm): string | undefined {
  const path = problem.field;
  if (path in form.values) return path;
  const listItem = /^(.*)\[\d+\]$/.exec(path)?.[1];
  if (listItem && listItem in form.values) return listItem;
  const certificate = /^trustedCertificates\[(\d+)\]\.(name|pem)$/.exec(path);
  if (certificate && Number(certificate[1]) < form.certificates.length) return path;
  return undefined;
}

/** The id of a field's control (also what `for` and `aria-describedby` name). */
export function fieldId(path: string): string {
  return `cse-settings-${path.replace(/[^A-Za-z0-9]+/g, '-').replace(/-+$/, '')}`;
}
