/**
 * `GET /api/cse/v1/clusters/{id}/upgrades`: the templates a cluster may be upgraded to, computed from the
 * templates published to the cluster's org (`backend/provider/upgrades.ts`). A cluster on an expired template gets
 * its targets like any other: that is how its owner moves off it.
 */
import type { ClusterEntity } from '../clusters/spec.ts';
import type { ProviderServices } from '../provider/services.ts';
import { upgradeTargets } from '../provider/upgrades.ts';
import { getEntity } from '../vcd/rde.ts';
import { assertVisible } from './auth.ts';
import { clusterIdPattern } from './clusters-read.ts';
import { callerVcd, type ApiDependencies } from './dependencies.ts';
import { ApiError } from './errors.ts';
import type { ApiResult, JsonSchema, RouteContext } from './route.ts';

export const clusterUpgradesSchema: JsonSchema = {
  type: 'object',
  required: ['current', 'resultTotal', 'values'],
  properties: {
    current: {
      type: 'object',
      required: ['template', 'kubernetesVersion', 'tkgVersion', 'lifecycle'],
      properties: {
        template: { type: 'string' },
        kubernetesVersion: { type: ['string', 'null'] },
        tkgVersion: { type: ['string', 'null'] },
        lifecycle: {
          type: ['string', 'null'],
          description: "The current template's lifecycle; null when it is no longer in a provider catalog",
        },
      },
    },
    resultTotal: { type: 'integer' },
    values: { type: 'array', items: { $ref: '#/components/schemas/ProviderTemplate' } },
  },
};

export async function clusterUpgrades(
  dependencies: ApiDependencies,
  provider: ProviderServices,
  context: RouteContext,
): Promise<ApiResult> {
  const id = context.params['id']!;
  const notFound = { name: 'clusterNotFound' as const, parameters: { id } };
  if (!clusterIdPattern.test(id)) throw new ApiError(notFound.name, notFound.parameters);
  const found = await getEntity<ClusterEntity>(callerVcd(dependencies, context.principal), id);
  if (!found?.entity.entity?.spec) throw new ApiError(notFound.name, notFound.parameters);
  assertVisible(context.principal, found.entity.org?.id, notFound);
  const orgId = found.entity.org?.id ?? context.principal.orgId;
  const spec = found.entity.entity.spec;
  const templates = await provider.templates.list();
  const own = templates.find((template) => template.name === spec.template);
  const versions = found.entity.entity.status?.versions;
  const current = {
    template: spec.template,
    kubernetesVersion: versions?.kubernetes ?? own?.kubernetesVersion ?? null,
    tkgVersion: versions?.tkg ?? own?.tkgVersion ?? null,
    lifecycle: own?.lifecycle ?? null,
  };
  const offered = templates.filter(
    (template) => template.publishedToAll || template.orgs.some((org) => org.id === orgId),
  );
  const values = upgradeTargets(current, offered);
  return { status: 200, body: { current, resultTotal: values.length, values } };
}
