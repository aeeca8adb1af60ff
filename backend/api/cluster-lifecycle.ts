/**
 * The cluster lifecycle routes: create, delete (`?force=true`), retry, kubeconfig, events, and the bootstrap VM's
 * phase reports. Handlers translate between the API and `ClusterService`; problems become catalogue errors
 * (validation failures list every field with its rule and message).
 */
import { cseRights } from '../../behaviours/rights.ts';
import { BOOTSTRAP_SECRET_HEADER } from '../bootstrap/phases.ts';
import { ClusterRequestError, type Caller, type ClusterService } from '../clusters/service.ts';
import { ApiError } from './errors.ts';
import { callerVcd, type ApiDependencies } from './dependencies.ts';
import type { ApiResult, JsonSchema, Route, RouteContext } from './route.ts';
import type { QueryParameter } from './query.ts';

const clusterId = {
  id: {
    description: 'Cluster id (RDE id)',
    pattern: '^urn:vcloud:entity:[a-z0-9]+:[a-z0-9]+:[0-9a-f-]{36}$',
  },
};

function caller(dependencies: ApiDependencies, context: RouteContext): Caller {
  return {
    userId: context.principal.userId,
    orgId: context.principal.orgId,
    isProvider: context.principal.isProvider,
    vcd: callerVcd(dependencies, context.principal),
  };
}

async function translate(id: string | undefined, work: () => Promise<ApiResult>): Promise<ApiResult> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof ClusterRequestError)) throw error;
    const problem = error.problem;
    switch (problem.kind) {
      case 'invalid': {
        const failure = new ApiError('clusterInvalid', {
          reason: problem.errors.map((e) => e.message).join(' '),
        });
        return {
          status: failure.status,
          body: { minorErrorCode: failure.code, message: failure.message, errors: problem.errors },
        };
      }
      case 'notFound':
        throw new ApiError('clusterNotFound', { id: id ?? '' });
      case 'conflict':
        throw new ApiError('clusterConflict', { reason: problem.message });
      case 'secret':
        throw new ApiError('bootstrapSecretInvalid');
      case 'report':
        throw new ApiError('invalidBootstrapReport', { reason: problem.message });
    }
  }
}

const anyJsonObject = {
  schema: { type: 'object' } as JsonSchema,
  validate: (body: unknown) =>
    typeof body === 'object' && body !== null && !Array.isArray(body)
      ? []
      : [{ field: 'body', reason: 'must be a JSON object' }],
};

const forceQuery: readonly QueryParameter[] = [
  {
    name: 'force',
    kind: 'boolean',
    default: false,
    description: 'Delete from any phase, including a cluster stuck mid-create',
  },
];

export function clusterLifecycleRoutes(
  dependencies: ApiDependencies,
  service: ClusterService,
  base: string,
  createSchema: JsonSchema,
): Route[] {
  const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
  return [
    {
      method: 'POST',
      path: `${base}/clusters`,
      operationId: 'createCluster',
      summary:
        'Create a cluster: validated against the organisation and the capacity it needs, then provisioned',
      tags: ['clusters'],
      right: cseRights.manage,
      scope: 'tenant',
      body: { ...anyJsonObject, schema: createSchema },
      errors: ['clusterInvalid'],
      responses: {
        202: { description: 'Accepted; the cluster is being created', schema: ref('ClusterAccepted') },
      },
      handler: (context) =>
        translate(undefined, async () => {
          const { id } = await service.create(caller(dependencies, context), context.body);
          return {
            status: 202,
            body: { id, phase: 'Pending' },
            headers: { Location: `${base}/clusters/${id}` },
          };
        }),
    },
    {
      method: 'DELETE',
      path: `${base}/clusters/{id}`,
      operationId: 'deleteCluster',
      summary: 'Delete a cluster and everything created for it; ?force=true from any phase',
      tags: ['clusters'],
      right: cseRights.manage,
      scope: 'both',
      pathParameters: clusterId,
      query: forceQuery,
      errors: ['clusterNotFound', 'clusterConflict'],
      responses: { 202: { description: 'Accepted; the cluster is being deleted' } },
      handler: (context) =>
        translate(context.params['id'], async () => {
          const force = context.query['force'] === true;
          await service.delete(caller(dependencies, context), context.params['id']!, force);
          return { status: 202, body: { id: context.params['id'], phase: 'Deleting' } };
        }),
    },
    {
      method: 'POST',
      path: `${base}/clusters/{id}/retry`,
      operationId: 'retryCluster',
      summary: 'Resume the create of a Failed cluster',
      tags: ['clusters'],
      right: cseRights.manage,
      scope: 'both',
      pathParameters: clusterId,
      errors: ['clusterNotFound', 'clusterConflict'],
      responses: { 202: { description: 'Accepted; the create resumes' } },
      handler: (context) =>
        translate(context.params['id'], async () => {
          await service.retry(caller(dependencies, context), context.params['id']!);
          return { status: 202, body: { id: context.params['id'], phase: 'Provisioning' } };
        }),
    },
    {
      method: 'GET',
      path: `${base}/clusters/{id}/kubeconfig`,
      operationId: 'getClusterKubeconfig',
      summary: "The admin kubeconfig of a Ready cluster (each download is recorded in the cluster's events)",
      tags: ['clusters'],
      right: cseRights.manage,
      scope: 'both',
      pathParameters: clusterId,
      errors: ['clusterNotFound', 'clusterConflict'],
      responses: {
        200: {
          description: 'The kubeconfig',
          schema: {
            type: 'object',
            required: ['kubeconfig'],
            properties: { kubeconfig: { type: 'string' } },
          },
        },
      },
      handler: (context) =>
        translate(context.params['id'], async () => ({
          status: 200,
          body: {
            kubeconfig: await service.kubeconfig(caller(dependencies, context), context.params['id']!),
          },
        })),
    },
    {
      method: 'GET',
      path: `${base}/clusters/{id}/events`,
      operationId: 'listClusterEvents',
      summary: "The cluster's event log, oldest first",
      tags: ['clusters'],
      right: cseRights.view,
      scope: 'both',
      pathParameters: clusterId,
      errors: ['clusterNotFound'],
      responses: { 200: { description: 'Events' } },
      handler: (context) =>
        translate(context.params['id'], async () => {
          const values = await service.events(caller(dependencies, context), context.params['id']!);
          return { status: 200, body: { resultTotal: values.length, values } };
        }),
    },
    {
      method: 'POST',
      path: `${base}/clusters/{id}/bootstrap`,
      operationId: 'reportBootstrapPhase',
      summary: `A phase report of the cluster's bootstrap VM; needs the one-time secret in ${BOOTSTRAP_SECRET_HEADER}`,
      tags: ['bootstrap'],
      right: null,
      scope: 'both',
      pathParameters: clusterId,
      body: anyJsonObject,
      errors: ['clusterNotFound', 'bootstrapSecretInvalid', 'invalidBootstrapReport'],
      responses: { 204: { description: 'Recorded' } },
      handler: (context) =>
        translate(context.params['id'], async () => {
          const secret = context.request.headers[BOOTSTRAP_SECRET_HEADER.toLowerCase()];
          await service.report(caller(dependencies, context), context.params['id']!, secret, context.body);
          return { status: 204 };
        }),
    },
  ];
}
