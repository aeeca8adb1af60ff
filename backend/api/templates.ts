/**
 * `GET /api/cse/v1/templates`: the Kubernetes templates the caller's org can see, from the catalogs VCD shows it.
 * A template is a Kubernetes one when its VM's product section has `VERSION` (`v1.28.7+vmware.1-tkg.1-<hash>`),
 * as GVCD recognises TKG OVAs; the Kubernetes version is the part before the first `-`.
 */
import type { TemplatePublication } from '../provider/provider-config.ts';
import { effectiveLifecycle, isPublishedTo } from '../provider/templates-lifecycle.ts';
import { listVAppTemplates, templateProductProperties, type VAppTemplateRecord } from '../vcd/catalogs.ts';
import { callerVcd, type ApiDependencies } from './dependencies.ts';
import type { ApiResult, JsonSchema, RouteContext } from './route.ts';

export interface KubernetesTemplate {
  id: string;
  name: string;
  catalog: string | null;
  description: string | null;
  kubernetesVersion: string;
  tkgVersion: string | null;
  os: { name: string; version: string } | null;
  /** The `VERSION` product property as the image carries it. */
  version: string;
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
  required: ['id', 'name', 'kubernetesVersion', 'version'],
  properties: {
    id: { type: 'string', description: 'urn:vcloud:vapptemplate:<uuid>' },
    name: { type: 'string' },
    catalog: { type: ['string', 'null'] },
    description: { type: ['string', 'null'] },
    kubernetesVersion: { type: 'string', description: 'e.g. v1.28.7+vmware.1' },
    tkgVersion: { type: ['string', 'null'], description: 'e.g. v2.5.0, when the image says' },
    os: {
      type: ['object', 'null'],
      properties: { name: { type: 'string' }, version: { type: 'string' } },
    },
    version: { type: 'string', description: 'VERSION product property' },
    lifecycle: { type: 'string', enum: ['supported', 'deprecated'] },
    deprecated: { type: 'boolean', description: 'Still usable; the provider plans to retire it' },
    expiresAt: { type: ['string', 'null'], description: 'When it stops being offered for new clusters' },
  },
};

/** Kubernetes version from `VERSION`: `v1.28.7+vmware.1-tkg.1-<hash>` → `v1.28.7+vmware.1`. */
export function kubernetesVersionOf(version: string): string | undefined {
  const candidate = version.split('-')[0]!;
  return /^v\d+\.\d+\.\d+(\+[\w.]+)?$/.test(candidate) ? candidate : undefined;
}

export function osOf(properties: Map<string, string>, name: string): KubernetesTemplate['os'] {
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

async function describe(
  record: VAppTemplateRecord,
  properties: Map<string, string>,
): Promise<KubernetesTemplate | undefined> {
  const version = properties.get('VERSION');
  const kubernetesVersion = version ? kubernetesVersionOf(version) : undefined;
  if (!version || !kubernetesVersion) return undefined;
  return {
    id: record.id,
    name: record.name,
    catalog: record.catalogName ?? null,
    description: record.description ?? null,
    kubernetesVersion,
    tkgVersion: properties.get('TKG_VERSION') ?? null,
    os: osOf(properties, record.name),
    version,
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
