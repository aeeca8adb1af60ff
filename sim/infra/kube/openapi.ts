import { createHash } from 'node:crypto';
import type { ResourceRegistry, ResourceType } from './resources.ts';
import { groupVersionOf } from './resources.ts';

/**
 * Just enough OpenAPI for kubectl. v3: one document per group-version whose PATCH operations
 * declare `fieldValidation`, so kubectl (≥ 1.27) validates server-side instead of downloading
 * schemas; they declare no strategic-merge body, so kubectl computes client-side apply patches
 * from its compiled-in types (built-ins) or as JSON merge patches (custom resources). v2: a
 * document with no definitions (kubectl 1.20 validates against it and skips unknown kinds).
 */
const pathOf = (gv: string): string => (gv.includes('/') ? `apis/${gv}` : `api/${gv}`);

export function openApiV3Root(registry: ResourceRegistry): Record<string, unknown> {
  const groupVersions = new Set(registry.all().map(groupVersionOf));
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const gv of groupVersions) {
    const hash = createHash('sha256')
      .update(JSON.stringify(registry.all().filter((type) => groupVersionOf(type) === gv)))
      .digest('hex')
      .toUpperCase()
      .slice(0, 32);
    paths[pathOf(gv)] = { serverRelativeURL: `/openapi/v3/${pathOf(gv)}?hash=${hash}` };
  }
  return { paths };
}

function operationsFor(type: ResourceType): Record<string, unknown> {
  const gvk = { group: type.group, version: type.version, kind: type.kind };
  const param = (name: string) => ({ name, in: 'query', schema: { type: 'string', uniqueItems: true } });
  const body = (contentTypes: string[]) => ({
    content: Object.fromEntries(
      contentTypes.map((contentType) => [contentType, { schema: { type: 'object' } }]),
    ),
    required: true,
  });
  const ok = { responses: { '200': { description: 'OK' } } };
  return {
    get: { 'x-kubernetes-group-version-kind': gvk, 'x-kubernetes-action': 'get', ...ok },
    put: {
      'x-kubernetes-group-version-kind': gvk,
      'x-kubernetes-action': 'put',
      parameters: [param('dryRun'), param('fieldManager'), param('fieldValidation')],
      requestBody: body(['*/*']),
      ...ok,
    },
    patch: {
      'x-kubernetes-group-version-kind': gvk,
      'x-kubernetes-action': 'patch',
      parameters: [param('dryRun'), param('fieldManager'), param('fieldValidation'), param('force')],
      requestBody: body([
        'application/apply-patch+yaml',
        'application/json-patch+json',
        'application/merge-patch+json',
      ]),
      ...ok,
    },
    delete: { 'x-kubernetes-group-version-kind': gvk, 'x-kubernetes-action': 'delete', ...ok },
  };
}

export function openApiV3Document(
  registry: ResourceRegistry,
  path: string,
  kubernetesVersion: string,
): Record<string, unknown> | undefined {
  const gv = path.replace(/^apis?\//, '');
  const types = registry.all().filter((type) => groupVersionOf(type) === gv);
  if (types.length === 0 || pathOf(gv) !== path) return undefined;
  const paths: Record<string, unknown> = {};
  for (const type of types) {
    const prefix = `/${pathOf(gv)}${type.namespaced ? '/namespaces/{namespace}' : ''}/${type.plural}`;
    paths[`${prefix}/{name}`] = operationsFor(type);
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: kubernetesVersion },
    paths,
    components: { schemas: {} },
  };
}

export function openApiV2Json(kubernetesVersion: string): Record<string, unknown> {
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version: kubernetesVersion },
    paths: {},
    definitions: {},
  };
}

/** The same v2 document as gnostic's protobuf (`swagger` = 1, `info` = 2 with `title` = 1, `version` = 2). */
export function openApiV2Protobuf(kubernetesVersion: string): Buffer {
  const field = (number: number, content: Buffer) => {
    const length: number[] = [];
    let rest = content.length;
    do {
      length.push((rest & 0x7f) | (rest > 0x7f ? 0x80 : 0));
      rest >>= 7;
    } while (rest > 0);
    return Buffer.concat([Buffer.from([(number << 3) | 2, ...length]), content]);
  };
  const info = Buffer.concat([field(1, Buffer.from('Kubernetes')), field(2, Buffer.from(kubernetesVersion))]);
  return Buffer.concat([field(1, Buffer.from('2.0')), field(2, info)]);
}
