/**
 * The template catalog as the provider runs it: TKG templates discovered in the provider's catalogs (a vApp template
 * whose VM carries the `VERSION` product property), each with a lifecycle (`supported`, `deprecated`, `expired`,
 * optionally an expiry date) and the orgs it is published to. Decisions live in the settings entity; publication is
 * applied in VCD by sharing the template's catalog with the union of the orgs its templates are published to (and
 * publishing it to all orgs when one of them is), so a tenant's VCD shows it the catalog only when something in it
 * is for that tenant. The CSE API and cluster create then offer exactly the published templates.
 */
import { kubernetesTemplateFacts, type KubernetesTemplate } from '../api/templates.ts';
import { templateProductProperties } from '../vcd/catalogs.ts';
import type { VcdClient } from '../vcd/client.ts';
import { listAll } from '../vcd/paging.ts';
import { queryRecords, type QueryRecord } from '../vcd/vapps.ts';
import { catalogAudience, setCatalogAudience, type CatalogAudience } from './catalog-sharing.ts';
import type {
  OrgRef,
  ProviderConfig,
  ProviderConfigEntity,
  TemplateLifecycle,
  TemplatePublication,
} from './provider-config.ts';

export const templateLifecycles: readonly TemplateLifecycle[] = ['supported', 'deprecated', 'expired'];

/** A TKG template in a provider catalog. */
export interface DiscoveredTemplate extends KubernetesTemplate {
  catalogId: string;
  size: { cpus: number | null; memoryMb: number | null; storageMb: number | null };
}

/** What `GET /api/cse/v1/provider/templates` shows for one template. */
export interface ProviderTemplate extends Omit<DiscoveredTemplate, 'catalog' | 'catalogId'> {
  catalog: { id: string; name: string };
  /** In force now: `expired` once the expiry date has passed. */
  lifecycle: TemplateLifecycle;
  expiresAt: string | null;
  publishedToAll: boolean;
  orgs: OrgRef[];
  /**
   * Who sees the template in VCD's own catalog view without it being published to them: VCD shares whole
   * catalogs, so a sibling template's publication exposes this one too. Empty when the catalog holds one audience.
   */
  catalogAlsoShowsTo: { allOrgs: boolean; orgs: OrgRef[] };
}

export interface TemplateChange {
  lifecycle?: TemplateLifecycle;
  expiresAt?: string | null;
  /** `all`, or org names or ids. */
  orgs?: 'all' | string[];
}

/** A refusal of a template change; `kind` picks the catalogue error. */
export class TemplateChangeError extends Error {
  override readonly name = 'TemplateChangeError';
  constructor(
    readonly kind: 'notFound' | 'notTkg' | 'expiryInPast' | 'unknownOrg' | 'invalid',
    message: string,
    /** The parts a message names (`id`, `name`, `org`, `expiresAt`, `field`). */
    readonly parameters: Record<string, string>,
  ) {
    super(message);
  }
}

const PROVIDER_ORG = 'System';

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function number(value: unknown): number | null {
  const parsed = Number(value);
  return value === undefined || value === null || value === '' || !Number.isFinite(parsed) ? null : parsed;
}

function catalogIdOf(record: QueryRecord): string | undefined {
  const uuid = /catalog\/([0-9a-f-]{36})/i.exec(String(record['catalog'] ?? ''))?.[1];
  return uuid ? `urn:vcloud:catalog:${uuid}` : undefined;
}

function templateIdOf(record: QueryRecord): string {
  if (typeof record['id'] === 'string' && record['id'].startsWith('urn:')) return record['id'];
  const uuid = /vappTemplate-([0-9a-f-]{36})/i.exec(record.href)?.[1];
  return `urn:vcloud:vapptemplate:${uuid ?? ''}`;
}

/** Every vApp template in the provider's (System org) catalogs, TKG or not, as query records. */
async function providerTemplateRecords(vcd: VcdClient): Promise<QueryRecord[]> {
  const records = await queryRecords(vcd, 'adminVAppTemplate');
  return records.filter((record) => (text(record['orgName']) ?? PROVIDER_ORG) === PROVIDER_ORG);
}

async function describe(vcd: VcdClient, record: QueryRecord): Promise<DiscoveredTemplate | undefined> {
  const catalogId = catalogIdOf(record);
  if (!catalogId) return undefined;
  const properties = await templateProductProperties(vcd, { href: record.href, id: templateIdOf(record) });
  const facts = kubernetesTemplateFacts(record.name, properties);
  if (!facts) return undefined;
  const storageKb = number(record['storageKB']);
  return {
    id: templateIdOf(record),
    name: record.name,
    catalog: text(record['catalogName']) ?? null,
    catalogId,
    description: text(record['description']) ?? null,
    ...facts,
    size: {
      cpus: number(record['numberOfCpus']),
      memoryMb: number(record['memoryAllocationMB']),
      storageMb: storageKb === null ? null : Math.round(storageKb / 1024),
    },
  };
}

/** TKG templates in the provider's catalogs (8 product-section reads at a time). */
export async function discoverTemplates(vcd: VcdClient): Promise<DiscoveredTemplate[]> {
  const records = await providerTemplateRecords(vcd);
  const described: (DiscoveredTemplate | undefined)[] = new Array(records.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(8, records.length) }, async () => {
      while (next < records.length) {
        const index = next++;
        described[index] = await describe(vcd, records[index]!);
      }
    }),
  );
  return described
    .filter((template): template is DiscoveredTemplate => template !== undefined)
    .sort((a, b) => a.name.localeCompare(b.name));
}

export async function tenantOrgs(vcd: VcdClient): Promise<OrgRef[]> {
  const orgs = await listAll<OrgRef>(vcd, '/cloudapi/1.0.0/orgs');
  return orgs.filter((org) => org.name !== PROVIDER_ORG).map((org) => ({ id: org.id, name: org.name }));
}

/** The lifecycle in force at `now`: a passed expiry date expires a template whatever it was set to. */
export function effectiveLifecycle(publication: TemplatePublication, now = Date.now()): TemplateLifecycle {
  if (publication.lifecycle === 'expired') return 'expired';
  if (publication.expiresAt && Date.parse(publication.expiresAt) <= now) return 'expired';
  return publication.lifecycle;
}

/** When an expired template expired (its date, else when the provider marked it). */
export function expiredAt(publication: TemplatePublication, now = Date.now()): string | null {
  if (effectiveLifecycle(publication, now) !== 'expired') return publication.expiresAt ?? null;
  if (publication.expiresAt && Date.parse(publication.expiresAt) <= now) return publication.expiresAt;
  return publication.updatedAt ?? new Date(now).toISOString();
}

/** A template the provider has not decided on yet: supported, published where its catalog is. */
function defaultPublication(audience: CatalogAudience, orgs: OrgRef[]): TemplatePublication {
  return {
    lifecycle: 'supported',
    expiresAt: null,
    publishedToAll: audience.published,
    orgs: audience.published ? [] : orgs.filter((org) => audience.orgIds.includes(org.id)),
  };
}

export function isPublishedTo(publication: TemplatePublication, orgId: string): boolean {
  return publication.publishedToAll || publication.orgs.some((org) => org.id === orgId);
}

/** The catalog audience the publications of its templates need: expired ones too (existing clusters scale from them). */
function audienceFor(publications: TemplatePublication[]): CatalogAudience {
  const orgIds = new Set<string>();
  for (const publication of publications) for (const org of publication.orgs) orgIds.add(org.id);
  return {
    published: publications.some((publication) => publication.publishedToAll),
    orgIds: [...orgIds].sort(),
  };
}

function validateChange(change: TemplateChange, now: number): void {
  if (change.lifecycle !== undefined && !templateLifecycles.includes(change.lifecycle)) {
    throw new TemplateChangeError('invalid', `must be one of ${templateLifecycles.join(', ')}`, {
      field: 'lifecycle',
    });
  }
  if (change.expiresAt !== undefined && change.expiresAt !== null) {
    const at = Date.parse(change.expiresAt);
    if (!/^\d{4}-\d{2}-\d{2}/.test(change.expiresAt) || Number.isNaN(at)) {
      throw new TemplateChangeError('invalid', 'must be an ISO 8601 date or date-time', {
        field: 'expiresAt',
      });
    }
    if (at <= now) {
      throw new TemplateChangeError(
        'expiryInPast',
        `expiresAt ${change.expiresAt} is in the past; give a future date, or set lifecycle to expired`,
        { expiresAt: change.expiresAt },
      );
    }
  }
}

function resolveOrgs(wanted: string[], orgs: OrgRef[]): OrgRef[] {
  const resolved = new Map<string, OrgRef>();
  for (const name of wanted) {
    const org = orgs.find((candidate) => candidate.name === name || candidate.id === name);
    if (!org) {
      throw new TemplateChangeError(
        'unknownOrg',
        `organisation "${name}" does not exist or is not a tenant; tenants: ${orgs.map((o) => o.name).join(', ') || 'none'}`,
        { org: name },
      );
    }
    resolved.set(org.id, org);
  }
  return [...resolved.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export class TemplateCatalog {
  constructor(
    /** The worker's service account (provider rights). */
    private readonly vcd: VcdClient,
    private readonly config: ProviderConfig,
  ) {}

  /** Every TKG template in the provider's catalogs with its lifecycle and publication. */
  async list(): Promise<ProviderTemplate[]> {
    const [templates, snapshot, orgs] = await Promise.all([
      discoverTemplates(this.vcd),
      this.config.read(),
      tenantOrgs(this.vcd),
    ]);
    return this.#views(templates, snapshot.entity, orgs);
  }

  async #views(
    templates: DiscoveredTemplate[],
    entity: ProviderConfigEntity,
    orgs: OrgRef[],
  ): Promise<ProviderTemplate[]> {
    const audiences = new Map<string, Promise<CatalogAudience>>();
    const audienceOf = (catalogId: string) => {
      let audience = audiences.get(catalogId);
      if (!audience) audiences.set(catalogId, (audience = catalogAudience(this.vcd, catalogId)));
      return audience;
    };
    const now = Date.now();
    return Promise.all(
      templates.map(async (template) => {
        const audience = await audienceOf(template.catalogId);
        const publication = entity.templates[template.id] ?? defaultPublication(audience, orgs);
        return view(template, publication, now, exposure(publication, audience, orgs));
      }),
    );
  }

  /**
   * Changes one template's lifecycle, expiry or orgs. Checked in full before anything is written; the catalog's
   * sharing is changed first and put back if the settings entity cannot be written.
   */
  async update(id: string, change: TemplateChange): Promise<ProviderTemplate> {
    const now = Date.now();
    validateChange(change, now);
    const [templates, orgs] = await Promise.all([discoverTemplates(this.vcd), tenantOrgs(this.vcd)]);
    const template = templates.find((candidate) => candidate.id === id);
    if (!template) {
      const any = (await providerTemplateRecords(this.vcd)).find((record) => templateIdOf(record) === id);
      if (any) {
        throw new TemplateChangeError(
          'notTkg',
          `vApp template "${any.name}" is not a TKG template: its VM has no VERSION product property`,
          { id, name: any.name },
        );
      }
      throw new TemplateChangeError('notFound', `no vApp template ${id} in the provider's catalogs`, { id });
    }
    const chosenOrgs =
      change.orgs === undefined || change.orgs === 'all' ? undefined : resolveOrgs(change.orgs, orgs);

    const previous = await catalogAudience(this.vcd, template.catalogId);
    const siblings = templates.filter((candidate) => candidate.catalogId === template.catalogId);
    let applied: CatalogAudience | undefined;
    try {
      const written = await this.config.update(
        (entity) => {
          // Templates of the catalog nobody decided on yet keep what they have now, explicitly.
          for (const sibling of siblings) {
            entity.templates[sibling.id] ??= {
              ...defaultPublication(previous, orgs),
              name: sibling.name,
            };
          }
          const current = entity.templates[id]!;
          const next: TemplatePublication = {
            ...current,
            name: template.name,
            lifecycle: change.lifecycle ?? current.lifecycle,
            expiresAt: change.expiresAt === undefined ? (current.expiresAt ?? null) : change.expiresAt,
            publishedToAll: change.orgs === undefined ? current.publishedToAll : change.orgs === 'all',
            orgs: change.orgs === undefined ? current.orgs : (chosenOrgs ?? []),
            updatedAt: new Date(now).toISOString(),
          };
          entity.templates[id] = next;
          const wanted = audienceFor(siblings.map((sibling) => entity.templates[sibling.id]!));
          applied = wanted;
          return entity;
        },
        async () => {
          if (applied) await setCatalogAudience(this.vcd, template.catalogId, applied);
        },
      );
      const publication = written.templates[id]!;
      return view(template, publication, now, exposure(publication, applied ?? previous, orgs));
    } catch (error) {
      if (applied) await setCatalogAudience(this.vcd, template.catalogId, previous).catch(() => undefined);
      throw error;
    }
  }

  /** The provider's decisions, by template name, for checks made by name (cluster create). */
  async publicationsByName(): Promise<Map<string, TemplatePublication[]>> {
    const { entity } = await this.config.read();
    const byName = new Map<string, TemplatePublication[]>();
    for (const publication of Object.values(entity.templates)) {
      if (!publication.name) continue;
      byName.set(publication.name, [...(byName.get(publication.name) ?? []), publication]);
    }
    return byName;
  }

  /** The provider's decisions by template id. */
  async publications(): Promise<Record<string, TemplatePublication>> {
    return (await this.config.read()).entity.templates;
  }

  /** Templates offered to an org now: published to it and not expired. */
  async offeredTo(orgId: string): Promise<ProviderTemplate[]> {
    return (await this.list()).filter(
      (template) =>
        template.lifecycle !== 'expired' &&
        (template.publishedToAll || template.orgs.some((org) => org.id === orgId)),
    );
  }
}

/** The orgs the catalog's sharing shows a template to beyond its own publication. */
function exposure(
  publication: TemplatePublication,
  audience: CatalogAudience,
  orgs: OrgRef[],
): ProviderTemplate['catalogAlsoShowsTo'] {
  if (publication.publishedToAll) return { allOrgs: false, orgs: [] };
  const own = new Set(publication.orgs.map((org) => org.id));
  if (audience.published) return { allOrgs: true, orgs: orgs.filter((org) => !own.has(org.id)) };
  return { allOrgs: false, orgs: orgs.filter((org) => audience.orgIds.includes(org.id) && !own.has(org.id)) };
}

function view(
  template: DiscoveredTemplate,
  publication: TemplatePublication,
  now: number,
  catalogAlsoShowsTo: ProviderTemplate['catalogAlsoShowsTo'],
): ProviderTemplate {
  const { catalogId, catalog, ...rest } = template;
  return {
    ...rest,
    catalog: { id: catalogId, name: catalog ?? '' },
    lifecycle: effectiveLifecycle(publication, now),
    expiresAt: expiredAt(publication, now),
    publishedToAll: publication.publishedToAll,
    orgs: publication.publishedToAll ? [] : publication.orgs,
    catalogAlsoShowsTo,
  };
}

/** A template as the create rules see it: its name, once expired when, and why it is unusable if it is. */
export interface NamedOffer {
  name: string;
  expiresAt?: string | null;
  unusableReason?: string | null;
}

/**
 * For `ClusterService`: narrows the templates VCD shows an org to those the provider publishes to it, and marks
 * expired ones with their date so the create is refused naming it. Templates nobody decided on pass unchanged.
 */
export function templateOffers(catalog: TemplateCatalog) {
  return async (orgId: string, visible: readonly NamedOffer[]): Promise<NamedOffer[]> => {
    const byName = await catalog.publicationsByName();
    const now = Date.now();
    return visible.flatMap((offer): NamedOffer[] => {
      const decided = byName.get(offer.name);
      if (!decided) return [offer];
      const mine = decided.filter((publication) => isPublishedTo(publication, orgId));
      if (mine.length === 0) return [];
      const live = mine.find((publication) => effectiveLifecycle(publication, now) !== 'expired');
      return [{ ...offer, expiresAt: live ? null : expiredAt(mine[0]!, now) }];
    });
  };
}
