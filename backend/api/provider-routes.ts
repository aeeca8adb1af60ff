/**
 * The provider routes of `/api/cse/v1/provider`: tenants with their readiness checklist and publishing, the
 * template catalog with lifecycle and publication, and the settings entity (ETag / If-Match). Provider scope and
 * the Administer right on every route; handlers translate between the API and `backend/provider/`.
 */
import { providerSettingsSchema, templateRecordSchema } from '../../behaviours/settings.ts';
import { cseRights } from '../../behaviours/rights.ts';
import { effectiveSettings } from '../provider/provider-config.ts';
import type { ProviderServices } from '../provider/services.ts';
import { settingsEtag, validateSettings, type SettingsDocument } from '../provider/settings.ts';
import {
  TemplateChangeError,
  templateLifecycles,
  type TemplateChange,
} from '../provider/templates-lifecycle.ts';
import { TenantActionError } from '../provider/tenants.ts';
import { ApiError } from './errors.ts';
import type { ApiResult, BodyProblem, JsonSchema, Route, RouteBody } from './route.ts';

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

const orgRefSchema: JsonSchema = {
  type: 'object',
  required: ['id', 'name'],
  properties: { id: { type: 'string' }, name: { type: 'string' } },
};

export const providerComponentSchemas: Record<string, JsonSchema> = {
  TenantReadiness: {
    type: 'object',
    required: ['org', 'ready', 'published', 'checklist'],
    properties: {
      org: orgRefSchema,
      ready: { type: 'boolean', description: 'Every checklist item is ok' },
      published: {
        type: 'boolean',
        description: 'Our rights bundle and both roles are published to the org',
      },
      checklist: {
        type: 'array',
        items: {
          type: 'object',
          required: ['key', 'ok', 'message'],
          properties: {
            key: {
              type: 'string',
              enum: [
                'rightsBundle',
                'roles',
                'sizingPolicies',
                'storageProfile',
                'network',
                'vipCapacity',
                'templates',
              ],
            },
            ok: { type: 'boolean' },
            message: { type: 'string', description: 'What is there, or what to do' },
          },
        },
      },
    },
  },
  TenantList: {
    type: 'object',
    required: ['resultTotal', 'values'],
    properties: {
      resultTotal: { type: 'integer' },
      values: { type: 'array', items: ref('TenantReadiness') },
    },
  },
  ProviderTemplate: {
    type: 'object',
    required: [
      'id',
      'name',
      'catalog',
      'kubernetesVersion',
      'version',
      'usable',
      'unusableReason',
      'lifecycle',
      'publishedToAll',
      'orgs',
    ],
    properties: {
      id: { type: 'string' },
      name: { type: 'string' },
      catalog: orgRefSchema,
      description: { type: ['string', 'null'] },
      kubernetesVersion: { type: ['string', 'null'] },
      tkgVersion: { type: ['string', 'null'] },
      os: { type: ['object', 'null'] },
      version: { type: ['string', 'null'], description: 'VERSION product property' },
      usable: { type: 'boolean', description: 'False when no cluster can be built from it' },
      unusableReason: { type: ['string', 'null'], description: 'Why it is unusable' },
      size: {
        type: 'object',
        properties: {
          cpus: { type: ['integer', 'null'] },
          memoryMb: { type: ['integer', 'null'] },
          storageMb: { type: ['integer', 'null'] },
        },
      },
      lifecycle: { type: 'string', enum: [...templateLifecycles], description: 'In force now' },
      expiresAt: { type: ['string', 'null'] },
      publishedToAll: { type: 'boolean' },
      orgs: { type: 'array', items: orgRefSchema },
      catalogAlsoShowsTo: {
        type: 'object',
        description:
          "Orgs that see the template in VCD's own catalog view without it being published to them (VCD shares whole catalogs)",
        properties: {
          allOrgs: { type: 'boolean' },
          orgs: { type: 'array', items: orgRefSchema },
        },
      },
    },
  },
  ProviderTemplateList: {
    type: 'object',
    required: ['resultTotal', 'values'],
    properties: {
      resultTotal: { type: 'integer' },
      values: { type: 'array', items: ref('ProviderTemplate') },
    },
  },
  TemplateChange: {
    type: 'object',
    additionalProperties: false,
    minProperties: 1,
    properties: {
      lifecycle: { type: 'string', enum: [...templateLifecycles] },
      expiresAt: {
        type: ['string', 'null'],
        format: 'date-time',
        description: 'A future date; null clears it',
      },
      orgs: {
        oneOf: [{ const: 'all' }, { type: 'array', items: { type: 'string' } }],
        description: '"all", or the org names (or ids) to publish to; [] unpublishes',
      },
    },
  },
  ProviderSettings: providerSettingsSchema,
  TemplatePublication: templateRecordSchema,
};

const orgParameter = { org: { description: 'Tenant organisation name (or id)' } };
const templateParameter = { id: { description: 'vApp template id (urn:vcloud:vapptemplate:<uuid>)' } };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const templateChangeBody: RouteBody = {
  schema: ref('TemplateChange'),
  validate(body: unknown): BodyProblem[] {
    if (!isObject(body)) return [{ field: 'body', reason: 'must be a JSON object' }];
    const problems: BodyProblem[] = [];
    for (const key of Object.keys(body)) {
      if (!['lifecycle', 'expiresAt', 'orgs'].includes(key))
        problems.push({ field: key, reason: 'is not a template setting (lifecycle, expiresAt, orgs)' });
    }
    if (Object.keys(body).length === 0)
      problems.push({ field: 'body', reason: 'must change at least one of lifecycle, expiresAt, orgs' });
    if ('lifecycle' in body && !templateLifecycles.includes(body['lifecycle'] as never))
      problems.push({ field: 'lifecycle', reason: `must be one of ${templateLifecycles.join(', ')}` });
    if ('expiresAt' in body && body['expiresAt'] !== null && typeof body['expiresAt'] !== 'string')
      problems.push({ field: 'expiresAt', reason: 'must be an ISO 8601 date-time or null' });
    if (
      'orgs' in body &&
      body['orgs'] !== 'all' &&
      !(Array.isArray(body['orgs']) && body['orgs'].every((org) => typeof org === 'string' && org !== ''))
    )
      problems.push({ field: 'orgs', reason: 'must be "all" or a list of organisation names' });
    return problems;
  },
};

const settingsBody: RouteBody = {
  schema: ref('ProviderSettings'),
  // Structure and values are checked by the handler, which answers every problem at once.
  validate: (body) => (isObject(body) ? [] : [{ field: 'body', reason: 'must be a JSON object' }]),
};

function tenantError(error: unknown): never {
  if (error instanceof TenantActionError) {
    if (error.kind === 'orgNotFound') throw new ApiError('orgNotFound', error.parameters);
    throw new ApiError('cseNotInstalled', error.parameters);
  }
  throw error;
}

function templateError(error: unknown): never {
  if (error instanceof TemplateChangeError) {
    switch (error.kind) {
      case 'notFound':
        throw new ApiError('templateNotFound', error.parameters);
      case 'notTkg':
        throw new ApiError('notTkgTemplate', error.parameters);
      case 'expiryInPast':
        throw new ApiError('expiryInPast', error.parameters);
      case 'unknownOrg':
        throw new ApiError('unknownOrg', error.parameters);
      case 'invalid':
        throw new ApiError('invalidBody', {
          field: error.parameters['field'] ?? 'body',
          reason: error.message,
        });
    }
  }
  throw error;
}

async function readSettings(
  provider: ProviderServices,
): Promise<{ document: SettingsDocument; source: string }> {
  const { entity } = await provider.config.read();
  return {
    document: effectiveSettings(entity, provider.clustersConfig),
    source: entity.settings ? 'entity' : 'configuration',
  };
}

function settingsResult(status: number, document: SettingsDocument, source: string): ApiResult {
  return {
    status,
    body: document,
    headers: { ETag: settingsEtag(document), 'X-CSE-Settings-Source': source },
  };
}

export function providerRoutes(provider: ProviderServices, base: string): Route[] {
  const common = {
    right: cseRights.administer,
    scope: 'provider' as const,
  };
  return [
    {
      ...common,
      method: 'GET',
      path: `${base}/provider/tenants`,
      operationId: 'listTenants',
      summary: 'Every tenant organisation with its readiness checklist (what is published, what is missing)',
      tags: ['provider'],
      responses: { 200: { description: 'Tenants', schema: ref('TenantList') } },
      handler: async () => {
        const values = await provider.tenants.list();
        return { status: 200, body: { resultTotal: values.length, values } };
      },
    },
    {
      ...common,
      method: 'GET',
      path: `${base}/provider/tenants/{org}`,
      operationId: 'getTenant',
      summary: "One tenant organisation's readiness checklist",
      tags: ['provider'],
      pathParameters: orgParameter,
      errors: ['orgNotFound'],
      responses: { 200: { description: 'The tenant', schema: ref('TenantReadiness') } },
      handler: async ({ params }) => ({
        status: 200,
        body: await provider.tenants.readiness(params['org']!).catch(tenantError),
      }),
    },
    ...(['publish', 'unpublish'] as const).map((action): Route => ({
      ...common,
      method: 'POST',
      path: `${base}/provider/tenants/{org}/${action}`,
      operationId: `${action}Tenant`,
      summary:
        action === 'publish'
          ? 'Publish our rights bundle and both global roles to the organisation (idempotent, all or nothing)'
          : 'Unpublish our rights bundle and both global roles from the organisation (idempotent, all or nothing)',
      tags: ['provider'],
      pathParameters: orgParameter,
      errors: ['orgNotFound', 'cseNotInstalled'],
      responses: { 200: { description: 'The tenant afterwards', schema: ref('TenantReadiness') } },
      handler: async ({ params }) => ({
        status: 200,
        body: await provider.tenants.setPublication(params['org']!, action === 'publish').catch(tenantError),
      }),
    })),
    {
      ...common,
      method: 'GET',
      path: `${base}/provider/templates`,
      operationId: 'listProviderTemplates',
      summary:
        "TKG templates in the provider's catalogs with lifecycle, expiry and the orgs they are published to",
      tags: ['provider'],
      responses: { 200: { description: 'Templates', schema: ref('ProviderTemplateList') } },
      handler: async () => {
        const values = await provider.templates.list();
        return { status: 200, body: { resultTotal: values.length, values } };
      },
    },
    {
      ...common,
      method: 'PUT',
      path: `${base}/provider/templates/{id}`,
      operationId: 'updateProviderTemplate',
      summary: "Change a template's lifecycle, expiry date or the orgs it is published to",
      tags: ['provider'],
      pathParameters: templateParameter,
      body: templateChangeBody,
      errors: ['templateNotFound', 'notTkgTemplate', 'expiryInPast', 'unknownOrg'],
      responses: { 200: { description: 'The template afterwards', schema: ref('ProviderTemplate') } },
      handler: async ({ params, body }) => ({
        status: 200,
        body: await provider.templates.update(params['id']!, body as TemplateChange).catch(templateError),
      }),
    },
    {
      ...common,
      method: 'GET',
      path: `${base}/provider/settings`,
      operationId: 'getProviderSettings',
      summary:
        'The settings in force (the ETag header is for If-Match; X-CSE-Settings-Source says entity or configuration)',
      tags: ['provider'],
      responses: { 200: { description: 'Settings', schema: ref('ProviderSettings') } },
      handler: async () => {
        const { document, source } = await readSettings(provider);
        return settingsResult(200, document, source);
      },
    },
    {
      ...common,
      method: 'PUT',
      path: `${base}/provider/settings`,
      operationId: 'putProviderSettings',
      summary:
        'Replace the settings (validated in full; If-Match with the ETag of a GET guards against lost updates)',
      tags: ['provider'],
      body: settingsBody,
      errors: ['invalidSettings', 'settingsChanged'],
      responses: { 200: { description: 'The settings saved', schema: ref('ProviderSettings') } },
      handler: async ({ request, body }) => {
        const problems = validateSettings(body);
        if (problems.length > 0) {
          const failure = new ApiError('invalidSettings', { ...problems[0]! });
          return {
            status: failure.status,
            body: { minorErrorCode: failure.code, message: failure.message, errors: problems },
          };
        }
        const document = body as SettingsDocument;
        const ifMatch = request.headers['if-match'];
        await provider.config.update((entity) => {
          const current = effectiveSettings(entity, provider.clustersConfig);
          if (ifMatch && ifMatch !== '*' && ifMatch !== settingsEtag(current))
            throw new ApiError('settingsChanged', { etag: ifMatch });
          return { ...entity, settings: document };
        });
        return settingsResult(200, document, 'entity');
      },
    },
  ];
}
