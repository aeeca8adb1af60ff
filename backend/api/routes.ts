/**
 * The route table of `/api/cse/v1`: the one place that says which operations exist, what each needs (right,
 * scope, parameters) and which handler answers. The dispatcher and the OpenAPI document are both built from it.
 */
import { clusterEntityType, clusterSpecSchema } from '../../behaviours/index.ts';
import { cseRights } from '../../behaviours/rights.ts';
import { aboutHandler, aboutSchema } from './about.ts';
import { createProviderServices } from '../provider/services.ts';
import { clusterLifecycleRoutes } from './cluster-lifecycle.ts';
import { clusterUpgrades, clusterUpgradesSchema } from './cluster-upgrades.ts';
import { clusterDetailSchema, clusterSummarySchema } from './cluster-view.ts';
import { clusterIdPattern, clusterListQuery, getCluster, listClusters } from './clusters-read.ts';
import type { ApiDependencies } from './dependencies.ts';
import { openApiDocument } from './openapi.ts';
import { providerComponentSchemas, providerRoutes } from './provider-routes.ts';
import type { JsonSchema, Route } from './route.ts';
import { kubernetesTemplateSchema, listTemplates } from './templates.ts';

export const API_BASE = '/api/cse/v1';

const statusSchema = (clusterEntityType.schema['properties'] as Record<string, JsonSchema>)['status']!;

function page(itemRef: string): JsonSchema {
  return {
    type: 'object',
    required: ['resultTotal', 'pageCount', 'page', 'pageSize', 'values'],
    properties: {
      resultTotal: { type: 'integer' },
      pageCount: { type: 'integer' },
      page: { type: 'integer' },
      pageSize: { type: 'integer' },
      values: { type: 'array', items: { $ref: itemRef } },
    },
  };
}

/** Schemas the routes refer to as `#/components/schemas/<name>`. */
export const componentSchemas: Record<string, JsonSchema> = {
  About: aboutSchema,
  ClusterSummary: clusterSummarySchema,
  Cluster: clusterDetailSchema(clusterSpecSchema, statusSchema),
  ClusterPage: page('#/components/schemas/ClusterSummary'),
  KubernetesTemplate: kubernetesTemplateSchema,
  ClusterAccepted: {
    type: 'object',
    required: ['id', 'phase'],
    properties: { id: { type: 'string' }, phase: { type: 'string' } },
  },
  KubernetesTemplateList: {
    type: 'object',
    required: ['resultTotal', 'values'],
    properties: {
      resultTotal: { type: 'integer' },
      values: { type: 'array', items: { $ref: '#/components/schemas/KubernetesTemplate' } },
    },
  },
  ClusterUpgrades: clusterUpgradesSchema,
  ...providerComponentSchemas,
};

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

export function buildRoutes(dependencies: ApiDependencies): Route[] {
  const provider = dependencies.provider ?? createProviderServices(dependencies.vcd);
  const routes: Route[] = [
    {
      method: 'GET',
      path: `${API_BASE}/about`,
      operationId: 'getAbout',
      summary: 'Name and version of the worker, its transports and the VCD API version in use',
      tags: ['service'],
      right: null,
      scope: 'both',
      responses: { 200: { description: 'About the service', schema: ref('About') } },
      handler: () => aboutHandler(dependencies),
    },
    {
      method: 'GET',
      path: `${API_BASE}/openapi.json`,
      operationId: 'getOpenApi',
      summary: 'This API as an OpenAPI 3.1 document',
      tags: ['service'],
      right: null,
      scope: 'both',
      responses: { 200: { description: 'OpenAPI 3.1 document' } },
      handler: async () => ({ status: 200, body: openApiDocument(routes, componentSchemas) }),
    },
    {
      method: 'GET',
      path: `${API_BASE}/clusters`,
      operationId: 'listClusters',
      summary: "One page of the clusters the caller can see (a tenant: its organisation's; a provider: all)",
      tags: ['clusters'],
      right: cseRights.view,
      scope: 'both',
      query: clusterListQuery,
      responses: { 200: { description: 'A page of cluster summaries', schema: ref('ClusterPage') } },
      handler: (context) => listClusters(dependencies, context),
    },
    {
      method: 'GET',
      path: `${API_BASE}/clusters/{id}`,
      operationId: 'getCluster',
      summary: 'One cluster: its specification and status (never its secrets)',
      tags: ['clusters'],
      right: cseRights.view,
      scope: 'both',
      pathParameters: {
        id: { description: 'Cluster id (RDE id)', pattern: clusterIdPattern.source },
      },
      errors: ['clusterNotFound'],
      responses: { 200: { description: 'The cluster', schema: ref('Cluster') } },
      handler: (context) => getCluster(dependencies, context),
    },
    {
      method: 'GET',
      path: `${API_BASE}/templates`,
      operationId: 'listTemplates',
      summary: "Kubernetes templates (TKG node images) in the catalogs the caller's organisation can see",
      tags: ['templates'],
      right: cseRights.view,
      scope: 'both',
      responses: { 200: { description: 'Kubernetes templates', schema: ref('KubernetesTemplateList') } },
      handler: (context) => listTemplates(dependencies, context, () => provider.templates.publications()),
    },
    {
      method: 'GET',
      path: `${API_BASE}/clusters/{id}/upgrades`,
      operationId: 'listClusterUpgrades',
      summary:
        'Templates the cluster may be upgraded to: published to its org, not expired, same or higher TKG, Kubernetes at most one minor ahead',
      tags: ['clusters'],
      right: cseRights.view,
      scope: 'both',
      pathParameters: {
        id: { description: 'Cluster id (RDE id)', pattern: clusterIdPattern.source },
      },
      errors: ['clusterNotFound'],
      responses: { 200: { description: 'Upgrade targets', schema: ref('ClusterUpgrades') } },
      handler: (context) => clusterUpgrades(dependencies, provider, context),
    },
    ...providerRoutes(provider, API_BASE),
  ];
  if (dependencies.clusters) {
    const createSchema: JsonSchema = {
      ...clusterSpecSchema,
      required: [...((clusterSpecSchema['required'] as string[]) ?? []), 'apiToken'],
      properties: {
        ...(clusterSpecSchema['properties'] as Record<string, JsonSchema>),
        apiToken: {
          type: 'string',
          description: "The owner's VCD API (refresh) token; stored only in the secure section",
        },
        apiTokenId: {
          type: 'string',
          description: 'Id of that token when it was created for this cluster (revoked on delete)',
        },
      },
    };
    routes.push(...clusterLifecycleRoutes(dependencies, dependencies.clusters, API_BASE, createSchema));
  }
  return routes;
}
