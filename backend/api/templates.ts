/**
 * `GET /api/cse/v1/templates`: the Kubernetes templates the caller's org can see, from the catalogs VCD shows it.
 * A template is a Kubernetes one when its VM's product section or its name says so (`clusters/templates.ts`); it is
 * usable when its `VERSION` (`v1.28.11+vmware.2-tkg.2-<hash>`) is a TKG image version CSE knows, as GVCD decides it.
 * An unusable one is listed with the reason, so the provider and the tenant see why it is not offered.
 */
import type { TemplatePublication } from '../provider/provider-config.ts';
import { effectiveLifecycle, isPublishedTo } from '../provider/templates-lifecycle.ts';
import { isKubernetesTemplate, templateUsability } from '../clusters/templates.ts';
import { listVAppTemplates, templateProductProperties, type VAppTemplateRecord } from '../vcd/catalogs.ts';
import { callerVcd, type ApiDependencies } from './dependencies.ts';
import type { ApiResult, JsonSchema, RouteContext } from './route.ts';

export interface KubernetesTemplate {
  id: string;
  name: string;
  catalog: string | null;
  description: string | null;
  /** From `VERSION` (or the image's `KUBERNETES_SEMVER` when `VERSION` is missing); null when neither says. */
  kubernetesVersion: string | null;
  tkgVersion: string | null;
  os: { name: string; version: string } | null;
  /** The `VERSION` product property as the image carries it; null when it has none. */
  version: string | null;
  /** False when no cluster can be built from it; `unusableReason` says why. */
  usable: boolean;
  unusableReason: string | null;
}

/** A template as offered to a tenant: with the provider's lifecycle (expired ones are never offered). */
export interface OfferedTemplate extends KubernetesTemplate {
  lifecycle: 'supported' | 'deprecated';
  /** True when the provider deprecated it: still usable, the wizard warns. */
  deprecated: boolean;
  expiresAt: string | null;
}

export const kubernetesTemplateSchema: JsonSchema = {
  type: 'object',
  required: ['id', 'name', 'kubernetesVersion', 'version', 'usable', 'unusableReason'],
  properties: {
    id: { type: 'string', description: 'urn:vcloud:vapptemplate:<uuid>' },
    name: { type: 'string' },
    catalog: { type: ['string', 'null'] },
    description: { type: ['string', 'null'] },
    kubernetesVersion: { type: ['string', 'null'], description: 'e.g. v1.28.11+vmware.2' },
    tkgVersion: { type: ['string', 'null'], description: 'e.g. v2.5.2' },
    os: {
      type: ['object', 'null'],
      properties: { name: { type: 'string' }, version: { type: 'string' } },
    },
    version: { type: ['string', 'null'], description: 'VERSION product property' },
    usable: { type: 'boolean', description: 'False when no cluster can be built from it' },
    unusableReason: { type: ['string', 'null'], description: 'Why it is unusable, e.g. no VERSION property' },
    lifecycle: { type: 'string', enum: ['supported', 'deprecated'] },
    deprecated: { type: 'boolean', description: 'Still usable; the provider plans to retire it' },
    expiresAt: { type: ['string', 'null'], description: 'When it stops being offered for new clusters' },
  },
};

/** Kubernetes version from `VERSION`: `v1.28.11+vmware.2-tkg.2-<hash>` → `v1.28.11+vmware.2`. */
export function kubernetesVersionOf(version: string): string | undefined {
  const candidate = version.split('-')[0]!;
  return /^v\d+\.\d+\.\d+(\+[\w.]+)?$/.test(candidate) ? candidate : undefined;
}

export function osOf(properties: ReadonlyMap<string, string>, name: string): KubernetesTemplate['os'] {
  const osName = properties.get('DISTRO_NAME') ?? properties.get('OS_NAME');
  const osVersion = properties.get('DISTRO_VERSION') ?? properties.get('OS_VERSION');
  if (osName && osVersion) return { name: osName, version: osVersion };
  // TKG image names start with the OS: ubuntu-2204-kube-…, photon-5-kube-…
  const fromName = /^(ubuntu|photon)-(\d+)-kube-/.exec(name);
  if (!fromName) return null;
  const digits = fromName[2]!;
  return {
    name: fromName[1]!,
    version:
      fromName[1] === 'ubuntu' && digits.length === 4 ? `${digits.slice(0, 2)}.${digits.slice(2)}` : digits,
  };
}

/** What a template's product properties say about it as a Kubernetes template; undefined when it is not one. */
export function kubernetesTemplateFacts(
  name: string,
  properties: ReadonlyMap<string, string>,
):
  | Pick<
      KubernetesTemplate,
      'kubernetesVersion' | 'tkgVersion' | 'os' | 'version' | 'usable' | 'unusableReason'
    >
  | undefined {
  if (!isKubernetesTemplate(name, properties)) return undefined;
  const usability = templateUsability(properties);
  const os = osOf(properties, name);
  if (usability.usable) {
    const { kubernetesVersion, tkgVersion, version } = usability.versions;
    return { kubernetesVersion, tkgVersion, os, version, usable: true, unusableReason: null };
  }
  const version = properties.get('VERSION') ?? null;
  const semver = properties.get('KUBERNETES_SEMVER');
  return {
    kubernetesVersion: (version ? kubernetesVersionOf(version) : undefined) ?? semver ?? null,
    tkgVersion: properties.get('TKG_VERSION') ?? null,
    os,
    version,
    usable: false,
    unusableReason: usability.reason,
  };
}

function describe(
  record: VAppTemplateRecord,
  properties: Map<string, string>,
): KubernetesTemplate | undefined {
  const facts = kubernetesTemplateFacts(record.name, properties);
  if (!facts) return undefined;
  return {
    id: record.id,
    name: record.name,
    catalog: record.catalogName ?? null,
    description: record.description ?? null,
    ...facts,
  };
}

/** Runs `work` over `items`, at most `limit` at a time, keeping the order. */
async function mapLimited<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  });
  await Promise.all(lanes);
  return results;
}

/**
 * The caller's templates with the provider's decisions applied: a tenant gets those published to its org that have
 * not expired; a template the provider never decided on is offered wherever VCD shows it.
 */
export async function listTemplates(
  dependencies: ApiDependencies,
  context: RouteContext,
  publications: () => Promise<Record<string, TemplatePublication>>,
): Promise<ApiResult> {
  const vcd = callerVcd(dependencies, context.principal);
  const [records, decided] = await Promise.all([listVAppTemplates(vcd), publications()]);
  const described = await mapLimited(records, 8, async (record) =>
    describe(record, await templateProductProperties(vcd, record)),
  );
  const now = Date.now();
  const values: OfferedTemplate[] = [];
  for (const template of described) {
    if (!template) continue;
    const publication = decided[template.id];
    if (publication && !context.principal.isProvider && !isPublishedTo(publication, context.principal.orgId))
      continue;
    const lifecycle = publication ? effectiveLifecycle(publication, now) : 'supported';
    if (lifecycle === 'expired') continue;
    values.push({
      ...template,
      lifecycle,
      deprecated: lifecycle === 'deprecated',
      expiresAt: publication?.expiresAt ?? null,
    });
  }
  values.sort((a, b) => a.name.localeCompare(b.name));
  return { status: 200, body: { resultTotal: values.length, values } };
}
