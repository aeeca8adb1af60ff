/**
 * Writes to entities beyond create/delete: an ETag-guarded update (412 when someone else wrote first) and a
 * behaviour invocation (202 + task). An update sends secure fields back as read (masked from API 38.0, where a PUT
 * that leaves one out deletes it; see `rde-secure-fields.ts`).
 */
import type { VcdClient } from './client.ts';
import type { RdeEntity } from './rde.ts';
import { keepSecureFields } from './rde-secure-fields.ts';
import { settle, type TaskWaitOptions, type VcdTask } from './tasks.ts';

const API = '/cloudapi/1.0.0';
const enc = encodeURIComponent;

export interface UpdatedEntity<E> {
  /** The new ETag (read back when VCD does not send one with its answer). */
  etag?: string;
  /** The entity as VCD now serves it: secure fields masked (API 38.0 on) or left out, never in clear. */
  served?: RdeEntity<E>;
}

/**
 * PUT with `If-Match`. `asRead` is the entity's contents as last read at that ETag: masked secure fields it held
 * that `rde` left out are sent back masked, so VCD keeps them instead of deleting them (set a field to `null` to
 * delete it).
 */
export async function updateEntity<E>(
  client: VcdClient,
  rde: RdeEntity<E>,
  etag: string | undefined,
  options: { invokeHooks?: boolean; asRead?: unknown } = {},
): Promise<UpdatedEntity<E>> {
  const body =
    options.asRead === undefined ? rde : { ...rde, entity: keepSecureFields(options.asRead, rde.entity) };
  const response = await client.put<RdeEntity<E> | undefined>(`${API}/entities/${enc(rde.id)}`, body, {
    ifMatch: etag,
    retry: 'never',
    query: options.invokeHooks === false ? { invokeHooks: false } : undefined,
  });
  const served = response.body?.entity === undefined ? undefined : response.body;
  if (response.etag) return { etag: response.etag, served };
  const again = await client.get<RdeEntity<E>>(`${API}/entities/${enc(rde.id)}`);
  return { etag: again.etag, served: again.body };
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
