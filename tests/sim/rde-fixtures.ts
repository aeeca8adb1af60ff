/**
 * Shared set-up for the RDE tests: a test interface and entity type defined through the real
 * API, its rights bundle published and its rights given to tenant roles. Every call is HTTP.
 */
import assert from 'node:assert/strict';
import type { SimAdmin, VcdClient, VcdPage } from '../helpers/vcd.ts';

export const cloudapi = '/cloudapi/1.0.0';

export interface EntityJson {
  id: string;
  entityType: string;
  name: string;
  externalId: string | null;
  entity: Record<string, unknown>;
  state: string;
  entityState: string;
  message: string | null;
  owner: { id: string; name: string };
  org: { id: string; name: string };
}

/** A small schema with every restriction marker, in the style of our cluster type. */
export function testSchema(): Record<string, unknown> {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    required: ['spec'],
    additionalProperties: false,
    properties: {
      spec: {
        type: 'object',
        required: ['name'],
        additionalProperties: false,
        properties: {
          name: { type: 'string', pattern: '^[a-z][-a-z0-9]*$', maxLength: 31 },
          size: { type: 'integer', minimum: 1, maximum: 5 },
          labels: { type: 'object', additionalProperties: { type: 'string' } },
        },
      },
      status: {
        type: 'object',
        'x-vcloud-restricted': 'protected',
        properties: { phase: { type: 'string' } },
      },
      private: {
        type: 'object',
        'x-vcloud-restricted': ['private', 'secure'],
        properties: { token: { type: 'string' } },
      },
      notes: {
        type: 'object',
        properties: { secret: { type: 'string', 'x-vcloud-restricted': ['protected', 'secure'] } },
      },
    },
  };
}

export interface TestType {
  vendor: string;
  nss: string;
  version: string;
  typeId: string;
  interfaceId: string;
  rights: { view: string; modify: string; fullControl: string; adminView: string; adminFullControl: string };
}

export function rightsOf(vendor: string, nss: string): TestType['rights'] {
  return {
    view: `${vendor}:${nss}: View`,
    modify: `${vendor}:${nss}: Modify`,
    fullControl: `${vendor}:${nss}: Full Access`,
    adminView: `${vendor}:${nss}: Administrator View`,
    adminFullControl: `${vendor}:${nss}: Administrator Full access`,
  };
}

export interface DefineOptions {
  vendor?: string;
  nss?: string;
  version?: string;
  schema?: Record<string, unknown>;
  /** Behaviours to add to the interface before the type is created. */
  behaviors?: { name: string; execution: Record<string, unknown> }[];
  hooks?: Record<string, string>;
}

async function expectStatus(response: { status: number; text: string }, status: number, what: string) {
  assert.equal(response.status, status, `${what}: ${response.text}`);
}

/** Defines an interface (with behaviours) and a type implementing it, as the provider. */
export async function defineTestType(provider: VcdClient, options: DefineOptions = {}): Promise<TestType> {
  const vendor = options.vendor ?? 'acmetest';
  const nss = options.nss ?? 'widget';
  const version = options.version ?? '1.0.0';
  const iface = await provider.post<{ id: string }>(`${cloudapi}/interfaces`, {
    name: `${nss} interface`,
    vendor,
    nss,
    version,
    readonly: false,
  });
  await expectStatus(iface, 201, 'create interface');
  for (const behavior of options.behaviors ?? []) {
    const created = await provider.post(`${cloudapi}/interfaces/${iface.body.id}/behaviors`, behavior);
    await expectStatus(created, 201, `create behavior ${behavior.name}`);
  }
  const type = await provider.post<{ id: string }>(`${cloudapi}/entityTypes`, {
    name: `${nss} type`,
    vendor,
    nss,
    version,
    interfaces: [iface.body.id],
    schema: options.schema ?? testSchema(),
    hooks: options.hooks,
  });
  await expectStatus(type, 201, 'create entity type');
  return {
    vendor,
    nss,
    version,
    typeId: type.body.id,
    interfaceId: iface.body.id,
    rights: rightsOf(vendor, nss),
  };
}

/** Publishes the type's `<vendor>:<nss> Entitlement` bundle to every tenant. */
export async function publishTypeBundle(provider: VcdClient, type: TestType): Promise<void> {
  const name = `${type.vendor}:${type.nss} Entitlement`;
  const bundles = await provider.get<VcdPage<{ id: string }>>(
    `${cloudapi}/rightsBundles?filter=${encodeURIComponent(`name==${name}`)}`,
  );
  assert.equal(bundles.body.resultTotal, 1, `bundle ${name}`);
  const published = await provider.post(
    `${cloudapi}/rightsBundles/${bundles.body.values[0]!.id}/tenants/publishAll`,
  );
  await expectStatus(published, 200, 'publish bundle');
}

/** Adds rights to a tenant org's role (as the provider acting in the tenant). */
export async function addRightsToRole(
  provider: VcdClient,
  orgId: string,
  roleName: string,
  rights: string[],
): Promise<void> {
  const inTenant = provider.inTenant(orgId);
  const roles = await inTenant.get<VcdPage<{ id: string }>>(
    `${cloudapi}/roles?filter=${encodeURIComponent(`name==${roleName}`)}`,
  );
  assert.equal(roles.body.resultTotal, 1, `role ${roleName}`);
  const added = await inTenant.post(`${cloudapi}/roles/${roles.body.values[0]!.id}/rights`, {
    values: rights.map((name) => ({ name })),
  });
  await expectStatus(added, 200, 'add rights to role');
}

/** Creates an entity and waits for its create task; returns the entity id and the task. */
export async function createEntity(
  client: VcdClient,
  typeId: string,
  body: Record<string, unknown>,
  query = '',
): Promise<{ id: string; task: Awaited<ReturnType<VcdClient['waitForTask']>> }> {
  const response = await client.post(`${cloudapi}/entityTypes/${typeId}${query}`, body);
  assert.equal(response.status, 202, `create entity: ${response.text}`);
  const location = response.headers.get('location');
  assert.ok(location, 'Location header');
  const task = await client.waitForTask(location);
  return { id: task.owner.id, task };
}

/** A seeded user's id, from the simulator's admin state. */
export async function userIdOf(admin: SimAdmin, username: string): Promise<string> {
  const state = await admin.state();
  const user = Object.values(state.users).find((candidate) => candidate.username === username);
  assert.ok(user, `user ${username}`);
  return user.id;
}
