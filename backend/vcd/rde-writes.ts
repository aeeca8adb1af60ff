/**
 * Writes to cluster entities beyond create/delete: an ETag-guarded update (412 when someone else wrote first) and
 * a behaviour invocation (202 + task). VCD keeps secure fields that a PUT omits or masks.
 */
import type { VcdClient } from './client.ts';
import type { RdeEntity } from './rde.ts';
import { settle, type TaskWaitOptions, type VcdTask } from './tasks.ts';

const API = '/cloudapi/1.0.0';
const enc = encodeURIComponent;

/** PUT with `If-Match`; answers the new ETag (read back when VCD does not send one). */
export async function updateEntity<E>(
  client: VcdClient,
  rde: RdeEntity<E>,
  etag: string | undefined,
  options: { invokeHooks?: boolean } = {},
): Promise<string | undefined> {
  const response = await client.put(`${API}/entities/${enc(rde.id)}`, rde, {
    ifMatch: etag,
    retry: 'never',
    query: options.invokeHooks === false ? { invokeHooks: false } : undefined,
  });
  if (response.etag) return response.etag;
  const again = await client.get(`${API}/entities/${enc(rde.id)}`);
  return again.etag;
}

/** Invokes a behaviour on an entity and waits for its task; answers the task. */
export async function invokeBehavior(
  client: VcdClient,
  entityId: string,
  behaviorId: string,
  body: { arguments?: Record<string, unknown>; metadata?: Record<string, unknown> } = {},
  wait?: TaskWaitOptions,
): Promise<VcdTask | undefined> {
  const response = await client.post(
    `${API}/entities/${enc(entityId)}/behaviors/${enc(behaviorId)}/invocations`,
    body,
    {
      retry: 'never',
    },
  );
  return (await settle(client, response, wait)).task;
}

/**
 * Gives a user an explicit access level on an entity (`POST …/entities/{id}/accessControls`). VCD serves an
 * entity's secure fields through `fullContents` only to holders of such an explicit Full Control grant.
 */
export async function grantEntityAccess(
  client: VcdClient,
  entityId: string,
  memberId: string,
  accessLevelId:
    | 'urn:vcloud:accessLevel:ReadOnly'
    | 'urn:vcloud:accessLevel:ReadWrite'
    | 'urn:vcloud:accessLevel:FullControl',
): Promise<void> {
  await client.post(`${API}/entities/${enc(entityId)}/accessControls`, {
    grantType: 'MembershipAccessControlGrant',
    accessLevelId,
    memberId,
  });
}

/** The entity with its secure fields in clear (`GET …/entities/{id}/fullContents`; needs explicit Full Control). */
export async function getFullContents<E>(client: VcdClient, entityId: string): Promise<RdeEntity<E>> {
  return (await client.get<RdeEntity<E>>(`${API}/entities/${enc(entityId)}/fullContents`)).body;
}
