/**
 * The provider settings document (the `settings` section of the settings entity): its type, validation on write
 * (ajv against the entity type's own schema, then what a schema cannot say: PEM certificates that parse), a
 * content ETag, the defaults a worker configuration gives before the provider first saves settings, and the
 * `ProviderSettings` the cluster steps use.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { providerSettingsSchema } from '../../behaviours/settings.ts';
import { bootstrapPhases, type BootstrapPhaseName } from '../bootstrap/phases.ts';
import { defaultBootstrapComponents } from '../bootstrap/cloud-init.ts';
import { egressProblems } from '../bootstrap/egress.ts';
import type { ClustersConfig } from '../config/clusters-schema.ts';
import type { ProviderSettings } from '../clusters/provider-settings.ts';
import type { AddonName, AddonSource } from '../addons/vcd-addons.ts';

export interface SettingsDocument {
  registry: {
    imageRegistry: string;
    providerImageRegistry?: string;
    binaryMirror?: string;
    componentsMirror?: string;
  };
  bootstrap: { catalog?: string; template: string; sizingPolicy: string };
  components: {
    kind: string;
    kindNodeImage: string;
    clusterctl: string;
    clusterApi: string;
    capvcd: string;
    kubectl: string;
    certManager?: string;
    /** CSE 4.2's VCDKEConfig `K8Config.cni`/`cpi`/`csi`: release manifests the bootstrap applies. */
    cni?: AddonManifestSetting & { name: 'antrea' };
    cpi?: AddonManifestSetting;
    csi?: AddonManifestSetting;
    contour: {
      version: string;
      manifestUrl: string;
      manifestFile?: string;
      sha256: string;
      readyTimeoutSeconds?: number;
    };
  };
  /** Seconds; phases left out keep their default. */
  phaseTimeouts: Partial<Record<BootstrapPhaseName, number>>;
  proxy: { httpProxy?: string; httpsProxy?: string; noProxy?: string[] };
  trustedCertificates: { name: string; pem: string }[];
}

export interface AddonManifestSetting {
  version: string;
  manifestUrl: string;
  sha256: string;
}

export interface SettingsProblem {
  field: string;
  reason: string;
}

// ajv-formats is CommonJS; under NodeNext its default export arrives as the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);
const checkDocument = ajv.compile(providerSettingsSchema);

function fieldOf(error: ErrorObject): string {
  const path = error.instancePath
    .split('/')
    .slice(1)
    .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`))
    .join('')
    .replace(/^\./, '');
  const missing = (error.params as { missingProperty?: string; additionalProperty?: string }).missingProperty;
  const extra = (error.params as { additionalProperty?: string }).additionalProperty;
  const leaf = missing ?? extra;
  if (leaf) return path ? `${path}.${leaf}` : leaf;
  return path || '(document)';
}

function reasonOf(error: ErrorObject): string {
  switch (error.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return 'is not a setting (misspelt?)';
    case 'pattern':
      return `has an invalid format (must match ${String((error.params as { pattern: string }).pattern)})`;
    default:
      return error.message ?? 'is invalid';
  }
}

/** Every problem of a settings document, each naming its field; empty when it may be saved. */
export function validateSettings(document: unknown): SettingsProblem[] {
  if (!checkDocument(document)) {
    const seen = new Set<string>();
    return (checkDocument.errors ?? [])
      .map((error) => ({ field: fieldOf(error), reason: reasonOf(error) }))
      .filter((problem) => {
        const key = `${problem.field} ${problem.reason}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
  }
  const problems: SettingsProblem[] = [];
  const settings = document as SettingsDocument;
  settings.trustedCertificates.forEach((certificate, index) => {
    try {
      new X509Certificate(certificate.pem);
    } catch {
      problems.push({
        field: `trustedCertificates[${index}].pem`,
        reason: `"${certificate.name}" is not a PEM certificate that parses`,
      });
    }
  });
  // Stricter than the entity schema: these values are written into apt, systemd and containerd files.
  problems.push(...egressProblems(settings));
  const names = settings.trustedCertificates.map((certificate) => certificate.name);
  names.forEach((name, index) => {
    if (names.indexOf(name) !== index)
      problems.push({ field: `trustedCertificates[${index}].name`, reason: `"${name}" is used twice` });
  });
  return problems;
}

/** JSON with sorted keys, so equal documents hash equally whatever order their keys were written in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The settings' ETag: a hash of their content. The entity also holds the template catalog, so its own ETag would
 * change on every template edit; this one changes only when the settings do.
 */
export function settingsEtag(document: SettingsDocument): string {
  return `"s-${createHash('sha256').update(canonical(document)).digest('hex').slice(0, 32)}"`;
}

/** The settings a worker configuration implies: what is in force until the provider saves settings. */
export function settingsFromConfig(config: ClustersConfig): SettingsDocument {
  const components = defaultBootstrapComponents;
  return {
    registry: {
      imageRegistry: config.imageRegistry,
      ...(config.providerImageRegistry ? { providerImageRegistry: config.providerImageRegistry } : {}),
      ...(config.binaryMirror ? { binaryMirror: config.binaryMirror } : {}),
      ...(config.componentsMirror ? { componentsMirror: config.componentsMirror } : {}),
    },
    bootstrap: {
      ...(config.bootstrap.catalog ? { catalog: config.bootstrap.catalog } : {}),
      template: config.bootstrap.template,
      sizingPolicy: config.bootstrap.sizingPolicy,
    },
    components: {
      kind: components.kind,
      kindNodeImage: components.kindNodeImage,
      clusterctl: components.clusterctl,
      clusterApi: components.clusterApi,
      capvcd: components.capvcd,
      kubectl: components.kubectl,
      ...(components.certManager ? { certManager: components.certManager } : {}),
      ...(config.addons.antrea
        ? { cni: { name: 'antrea' as const, ...addonSetting(config.addons.antrea) } }
        : {}),
      ...(config.addons.cpi ? { cpi: addonSetting(config.addons.cpi) } : {}),
      ...(config.addons.csi ? { csi: addonSetting(config.addons.csi) } : {}),
      contour: {
        version: config.contour.version,
        manifestUrl: config.contour.url,
        ...(config.contour.file ? { manifestFile: config.contour.file } : {}),
        sha256: config.contour.sha256,
        readyTimeoutSeconds: Math.max(10, Math.ceil(config.contour.readyTimeoutMs / 1000)),
      },
    },
    phaseTimeouts: Object.fromEntries(bootstrapPhases.map((phase) => [phase.name, phase.timeoutSeconds])),
    proxy: {},
    trustedCertificates: [],
  };
}

function addonSetting(source: { version: string; url: string; sha256: string }): AddonManifestSetting {
  return { version: source.version, manifestUrl: source.url, sha256: source.sha256 };
}

/** The add-on manifests of a settings document, as the bootstrap takes them. */
export function addonSources(components: SettingsDocument['components']): AddonSource[] {
  const entries: Array<[AddonName, AddonManifestSetting | undefined]> = [
    ['antrea', components.cni],
    ['cpi', components.cpi],
    ['csi', components.csi],
  ];
  return entries.flatMap(([name, setting]) =>
    setting ? [{ name, version: setting.version, url: setting.manifestUrl, sha256: setting.sha256 }] : [],
  );
}

/**
 * The settings the steps use, from a document. The worker keeps two things of its own: the VCD URL clusters reach
 * (a property of the deployment) and `bootstrap.phaseTimeoutScale` (a test knob multiplying every timeout).
 */
export function toProviderSettings(
  document: SettingsDocument,
  config: ClustersConfig,
  vcdUrl: string,
): ProviderSettings {
  const scale = config.bootstrap.phaseTimeoutScale;
  const contour = document.components.contour;
  return {
    imageRegistry: document.registry.imageRegistry,
    binaryMirror: document.registry.binaryMirror,
    providerImageRegistry: document.registry.providerImageRegistry,
    componentsMirror: document.registry.componentsMirror,
    vcdUrlForClusters: (config.vcdUrlForClusters ?? vcdUrl).replace(/\/+$/, ''),
    bootstrap: { ...document.bootstrap },
    components: {
      kind: document.components.kind,
      kindNodeImage: document.components.kindNodeImage,
      clusterctl: document.components.clusterctl,
      clusterApi: document.components.clusterApi,
      capvcd: document.components.capvcd,
      kubectl: document.components.kubectl,
      ...(document.components.certManager ? { certManager: document.components.certManager } : {}),
    },
    addons: addonSources(document.components),
    contour: {
      url: contour.manifestUrl,
      file: contour.manifestFile,
      sha256: contour.sha256,
      version: contour.version,
      readyTimeoutMs: (contour.readyTimeoutSeconds ?? config.contour.readyTimeoutMs / 1000) * 1000,
    },
    phaseTimeouts: Object.fromEntries(
      bootstrapPhases.map((phase) => [
        phase.name,
        Math.max(1, Math.ceil((document.phaseTimeouts[phase.name] ?? phase.timeoutSeconds) * scale)),
      ]),
    ) as Record<BootstrapPhaseName, number>,
    proxy: { ...document.proxy },
    trustedCertificates: document.trustedCertificates.map((certificate) => ({ ...certificate })),
  };
}
