import type { Request, Router } from 'express';
import { z } from 'zod';
import type { SimContext } from '../../context.ts';
import { principalOf, type Principal } from '../../http/auth.ts';
import { parseBody } from '../../http/body.ts';
import { fail } from '../../http/errors.ts';
import { pageOf } from '../../http/paging.ts';
import { rdeSlice, type AccessControlEntry, type AccessLevelId } from './rde-state.ts';
import { accessLevelIds, levelOf, type AccessLevel } from './type-access.ts';

const aclInput = z
  .object({
    id: z.string().nullish(),
    tenant: z.object({ id: z.string().nullish(), name: z.string().nullish() }).strict().nullish(),
    grantType: z.enum(['MembershipAccessControlGrant', 'RightAccessControlGrant']),
    objectId: z.string().nullish(),
    accessLevelId: z.enum(accessLevelIds as [AccessLevelId, ...AccessLevelId[]]),
    memberId: z.string().nullish(),
    rightId: z.string().nullish(),
  })
  .strict();

/** The object an ACL list belongs to, and who may read or change it. */
export interface AclTarget {
  objectId: string;
  tenant: { id: string; name: string };
  /** Throws (403/404) unless the caller may read the list. */
  assertCanView(principal: Principal): void;
  /** Throws unless the caller may grant or revoke entries at `level`. */
  assertCanEdit(principal: Principal, level: AccessLevel): void;
}

/** Creates an entry without a request (the owner's Full Control ACL, the type creator's). */
export function grantAccess(
  ctx: SimContext,
  objectId: string,
  tenant: { id: string; name: string },
  memberId: string,
  accessLevelId: AccessLevelId,
): AccessControlEntry {
  const state = rdeSlice.of(ctx.store.world);
  const entry: AccessControlEntry = {
    id: ctx.store.ids.urn('accessControl'),
    tenant,
    grantType: 'MembershipAccessControlGrant',
    objectId,
    accessLevelId,
    memberId,
    rightId: null,
  };
  (state.accessControls[objectId] ??= {})[entry.id] = entry;
  ctx.store.changed();
  return entry;
}

function render(entry: AccessControlEntry) {
  const { id, tenant, grantType, objectId, accessLevelId, memberId, rightId } = entry;
  return grantType === 'MembershipAccessControlGrant'
    ? { id, tenant, grantType, objectId, accessLevelId, memberId }
    : { id, tenant, grantType, objectId, accessLevelId, rightId };
}

/**
 * `GET|POST <base>` and `GET|PUT|DELETE <base>/{aclId}` in VCD's shape
 * (`{id, tenant, grantType, objectId, accessLevelId, memberId | rightId}`), for entities and types.
 */
export function accessControlRoutes(
  ctx: SimContext,
  router: Router,
  base: string,
  targetOf: (req: Request<{ id: string }>) => AclTarget,
): void {
  const entries = (objectId: string) => rdeSlice.of(ctx.store.world).accessControls[objectId] ?? {};
  const member = (input: z.infer<typeof aclInput>) => {
    const world = ctx.store.world;
    if (input.grantType === 'MembershipAccessControlGrant') {
      const id = input.memberId ?? '';
      if (!id) fail('badRequest', { reason: 'memberId is required for a MembershipAccessControlGrant.' });
      if (!world.users[id] && !world.orgs[id] && !world.roles[id])
        fail('badRequest', { reason: `Member ${id} does not exist.` });
      return { memberId: id, rightId: null };
    }
    const id = input.rightId ?? '';
    if (!id || !world.rights[id]) fail('badRequest', { reason: `Right ${id || '(none)'} does not exist.` });
    return { memberId: null, rightId: id };
  };
  const find = (target: AclTarget, aclId: string) => {
    const entry = entries(target.objectId)[aclId];
    if (!entry) fail('notFound', { kind: 'Access control', id: aclId });
    return entry;
  };

  router.get(base, (req: Request<{ id: string }>, res) => {
    const target = targetOf(req);
    target.assertCanView(principalOf(req));
    res.json(pageOf(req, res, Object.values(entries(target.objectId)).map(render)));
  });
  router.post(base, (req: Request<{ id: string }>, res) => {
    const target = targetOf(req);
    const principal = principalOf(req);
    const input = parseBody(aclInput, req.body);
    target.assertCanEdit(principal, levelOf(input.accessLevelId));
    const who = member(input);
    const existing = Object.values(entries(target.objectId)).find(
      (entry) => entry.memberId === who.memberId && entry.rightId === who.rightId,
    );
    if (existing)
      fail('duplicateName', {
        kind: 'access control for this member',
        name: who.memberId ?? who.rightId ?? '',
      });
    const entry: AccessControlEntry = {
      id: ctx.store.ids.urn('accessControl'),
      tenant: target.tenant,
      grantType: input.grantType,
      objectId: target.objectId,
      accessLevelId: input.accessLevelId,
      ...who,
    };
    (rdeSlice.of(ctx.store.world).accessControls[target.objectId] ??= {})[entry.id] = entry;
    res.status(201).json(render(entry));
  });
  router.get(`${base}/:aclId`, (req: Request<{ id: string; aclId: string }>, res) => {
    const target = targetOf(req);
    target.assertCanView(principalOf(req));
    res.json(render(find(target, req.params.aclId)));
  });
  router.put(`${base}/:aclId`, (req: Request<{ id: string; aclId: string }>, res) => {
    const target = targetOf(req);
    const principal = principalOf(req);
    const entry = find(target, req.params.aclId);
    const input = parseBody(aclInput, req.body);
    target.assertCanEdit(
      principal,
      Math.max(levelOf(entry.accessLevelId), levelOf(input.accessLevelId)) as AccessLevel,
    );
    Object.assign(entry, {
      grantType: input.grantType,
      accessLevelId: input.accessLevelId,
      ...member(input),
    });
    res.json(render(entry));
  });
  router.delete(`${base}/:aclId`, (req: Request<{ id: string; aclId: string }>, res) => {
    const target = targetOf(req);
    const principal = principalOf(req);
    const entry = find(target, req.params.aclId);
    target.assertCanEdit(principal, levelOf(entry.accessLevelId));
    delete entries(target.objectId)[entry.id];
    res.status(204).end();
  });
}
