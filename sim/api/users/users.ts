import { Router, type Request } from 'express';
import { z } from 'zod';
import type { SimContext } from '../../context.ts';
import { assertRights, principalOf, visibleOr404 } from '../../http/auth.ts';
import { parseBody } from '../../http/body.ts';
import { fail } from '../../http/errors.ts';
import { pageOf } from '../../http/paging.ts';
import type { User } from '../../world/tenancy.ts';

const viewRight = 'Group / User: View';
const manageRight = 'Group / User: Manage';

const reference = z.object({ id: z.string(), name: z.string().optional() }).strip();
/** The cloudapi `User`; read-only fields are accepted and ignored, unknown fields are refused. */
const userInput = z
  .object({
    id: z.string().optional(),
    username: z.string().min(1).max(128),
    fullName: z.string().max(256).optional(),
    description: z.string().max(1024).optional(),
    email: z.string().max(256).optional(),
    enabled: z.boolean().optional(),
    password: z.string().min(6).optional(),
    roleEntityRefs: z.array(reference).max(1).optional(),
    orgEntityRef: reference.optional(),
    nameInSource: z.string().optional(),
    isGroupRole: z.boolean().optional(),
    providerType: z.string().optional(),
    locked: z.boolean().optional(),
    stranded: z.boolean().optional(),
    deployedVmQuota: z.number().int().optional(),
    storedVmQuota: z.number().int().optional(),
    phone: z.string().optional(),
  })
  .strict();

/** `/cloudapi/1.0.0/users`: users of the org the caller acts in; role assignment by `roleEntityRefs`. */
export function usersArea(ctx: SimContext): Router {
  const router = Router();
  const base = '/cloudapi/1.0.0/users';
  const userJson = (user: User) => {
    const world = ctx.store.world;
    const org = world.orgs[user.orgId];
    return {
      id: user.id,
      username: user.username,
      fullName: user.fullName,
      description: user.description,
      email: user.email,
      nameInSource: user.username,
      enabled: user.enabled,
      isGroupRole: false,
      providerType: 'LOCAL',
      locked: false,
      stranded: false,
      deployedVmQuota: 0,
      storedVmQuota: 0,
      roleEntityRefs: user.roleIds.flatMap((id) =>
        world.roles[id] ? [{ id, name: world.roles[id].name }] : [],
      ),
      orgEntityRef: org ? { id: org.id, name: org.name } : null,
    };
  };
  const rolesFor = (orgId: string, refs: { id: string }[] | undefined): string[] | undefined => {
    if (refs === undefined) return undefined;
    return refs.map((ref) => {
      const role = ctx.store.world.roles[ref.id];
      if (!role || role.orgId !== orgId)
        fail('badRequest', { reason: `Role ${ref.id} does not exist in this organization.` });
      return role.id;
    });
  };
  const find = (req: Request<{ id: string }>) => {
    const principal = principalOf(req);
    const user = visibleOr404(
      principal,
      ctx.store.world.users[req.params.id],
      (candidate) => candidate.orgId,
      'User',
      req.params.id,
    );
    return { principal, user };
  };

  router.get(base, (req, res) => {
    const principal = principalOf(req);
    assertRights(principal, [viewRight], `${req.method} ${req.path}`);
    const users = Object.values(ctx.store.world.users).filter(
      (user) => user.orgId === principal.effectiveOrg.id,
    );
    res.json(pageOf(req, res, users.map(userJson), { defaultSort: 'username' }));
  });
  router.post(base, (req, res) => {
    const principal = principalOf(req);
    assertRights(principal, [manageRight], `${req.method} ${req.path}`);
    const input = parseBody(userInput, req.body);
    const orgId = principal.effectiveOrg.id;
    if (!input.password) fail('invalidBody', { reason: 'password: required for a local user' });
    if (
      Object.values(ctx.store.world.users).some(
        (user) => user.orgId === orgId && user.username.toLowerCase() === input.username.toLowerCase(),
      )
    ) {
      fail('duplicateName', { kind: 'user', name: input.username });
    }
    const user: User = {
      id: ctx.store.ids.urn('user'),
      username: input.username,
      fullName: input.fullName ?? '',
      description: input.description ?? '',
      email: input.email ?? '',
      enabled: input.enabled ?? true,
      orgId,
      roleIds: rolesFor(orgId, input.roleEntityRefs) ?? [],
      password: input.password,
    };
    ctx.store.world.users[user.id] = user;
    ctx.store.changed();
    res.status(201).json(userJson(user));
  });
  router.get(`${base}/:id`, (req, res) => {
    const { principal, user } = find(req);
    if (user.id !== principal.user.id) assertRights(principal, [viewRight], `${req.method} ${req.path}`);
    res.json(userJson(user));
  });
  router.put(`${base}/:id`, (req, res) => {
    const { principal, user } = find(req);
    assertRights(principal, [manageRight], `${req.method} ${req.path}`);
    const input = parseBody(userInput, req.body);
    if (input.username !== user.username) fail('badRequest', { reason: 'username cannot be changed.' });
    user.fullName = input.fullName ?? user.fullName;
    user.description = input.description ?? user.description;
    user.email = input.email ?? user.email;
    user.enabled = input.enabled ?? user.enabled;
    if (input.password) user.password = input.password;
    user.roleIds = rolesFor(user.orgId, input.roleEntityRefs) ?? user.roleIds;
    ctx.store.changed();
    res.json(userJson(user));
  });
  router.delete(`${base}/:id`, (req, res) => {
    const { principal, user } = find(req);
    assertRights(principal, [manageRight], `${req.method} ${req.path}`);
    if (user.id === principal.user.id) fail('badRequest', { reason: 'You cannot delete yourself.' });
    delete ctx.store.world.users[user.id];
    for (const session of Object.values(ctx.store.world.sessions)) {
      if (session.userId === user.id) delete ctx.store.world.sessions[session.id];
    }
    ctx.store.changed();
    res.status(204).end();
  });
  return router;
}
