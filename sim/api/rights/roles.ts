import { Router, type Request } from 'express';
import type { SimContext } from '../../context.ts';
import { assertRights, principalOf, visibleOr404 } from '../../http/auth.ts';
import { parseBody } from '../../http/body.ts';
import { fail } from '../../http/errors.ts';
import { pageOf } from '../../http/paging.ts';
import type { OrgRole } from '../../world/access.ts';
import { resolveRightRefs, rightRefs } from './rights.ts';
import { referenceList, roleInput } from './schemas.ts';

const viewRight = 'Role: View';
const editRight = 'Role: Create, Edit, Delete, or Copy';

function roleJson(role: OrgRole) {
  const { id, name, description, bundleKey, readOnly } = role;
  return { id, name, description, bundleKey, readOnly };
}

/**
 * `/cloudapi/1.0.0/roles`: the roles of the org the caller acts in (its own ones and the global
 * roles published to it). Rights given to a role must be entitled to the org.
 */
export function rolesRoutes(ctx: SimContext): Router {
  const router = Router();
  const base = '/cloudapi/1.0.0/roles';
  const scope = (req: Request, right: string) => {
    const principal = principalOf(req);
    assertRights(principal, [right], `${req.method} ${req.path}`);
    return principal;
  };
  const find = (req: Request<{ id: string }>, right: string) => {
    const principal = scope(req, right);
    return visibleOr404(
      principal,
      ctx.store.world.roles[req.params.id],
      (role) => role.orgId,
      'Role',
      req.params.id,
    );
  };
  const writable = (role: OrgRole) => {
    if (role.readOnly) fail('badRequest', { reason: `Role ${role.name} is read-only.` });
  };
  const uniqueName = (orgId: string, name: string, except?: string) => {
    const lower = name.toLowerCase();
    if (
      Object.values(ctx.store.world.roles).some(
        (role) => role.orgId === orgId && role.id !== except && role.name.toLowerCase() === lower,
      )
    ) {
      fail('duplicateName', { kind: 'role', name });
    }
  };
  const entitledRightIds = (role: OrgRole, req: Request) => {
    const org = ctx.store.world.orgs[role.orgId]!;
    const ids = resolveRightRefs(ctx, parseBody(referenceList, req.body));
    const entitled = ctx.access.entitledRightIds(org);
    const outside = ids.filter((id) => !entitled.has(id));
    if (outside.length > 0) {
      fail('badRequest', {
        reason: `Rights not available to organization ${org.name}: ${rightRefs(ctx, outside)
          .map((ref) => ref.name)
          .join(', ')}`,
      });
    }
    return ids;
  };

  router.get(base, (req, res) => {
    const principal = scope(req, viewRight);
    const roles = Object.values(ctx.store.world.roles).filter(
      (role) => role.orgId === principal.effectiveOrg.id,
    );
    res.json(pageOf(req, res, roles.map(roleJson), { defaultSort: 'name' }));
  });
  router.post(base, (req, res) => {
    const principal = scope(req, editRight);
    const input = parseBody(roleInput, req.body);
    uniqueName(principal.effectiveOrg.id, input.name);
    const role: OrgRole = {
      id: ctx.store.ids.urn('role'),
      name: input.name,
      description: input.description ?? '',
      bundleKey: input.bundleKey ?? input.name.toUpperCase().replace(/[^A-Z0-9]+/g, '_'),
      readOnly: false,
      orgId: principal.effectiveOrg.id,
      rightIds: [],
    };
    ctx.store.world.roles[role.id] = role;
    ctx.store.changed();
    res.status(201).json(roleJson(role));
  });
  router.get(`${base}/:id`, (req, res) => {
    res.json(roleJson(find(req, viewRight)));
  });
  router.put(`${base}/:id`, (req, res) => {
    const role = find(req, editRight);
    writable(role);
    const input = parseBody(roleInput, req.body);
    uniqueName(role.orgId, input.name, role.id);
    role.name = input.name;
    role.description = input.description ?? role.description;
    ctx.store.changed();
    res.json(roleJson(role));
  });
  router.delete(`${base}/:id`, (req, res) => {
    const role = find(req, editRight);
    writable(role);
    const holders = Object.values(ctx.store.world.users).filter((user) => user.roleIds.includes(role.id));
    if (holders.length > 0)
      fail('badRequest', { reason: `Role ${role.name} is assigned to ${holders.length} user(s).` });
    delete ctx.store.world.roles[role.id];
    ctx.store.changed();
    res.status(204).end();
  });
  router.get(`${base}/:id/rights`, (req, res) => {
    const role = find(req, viewRight);
    res.json(pageOf(req, res, rightRefs(ctx, ctx.access.roleRightIds(role.id)), { defaultSort: 'name' }));
  });
  router.put(`${base}/:id/rights`, (req, res) => {
    const role = find(req, editRight);
    writable(role);
    role.rightIds = entitledRightIds(role, req);
    ctx.store.changed();
    res.json({ values: rightRefs(ctx, role.rightIds) });
  });
  router.post(`${base}/:id/rights`, (req, res) => {
    const role = find(req, editRight);
    writable(role);
    role.rightIds = [...new Set([...role.rightIds, ...entitledRightIds(role, req)])];
    ctx.store.changed();
    res.json({ values: rightRefs(ctx, role.rightIds) });
  });
  return router;
}
