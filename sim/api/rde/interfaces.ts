import { Router, type Request } from 'express';
import type { SimContext } from '../../context.ts';
import { assertRights, principalOf, requireProvider } from '../../http/auth.ts';
import { parseBody } from '../../http/body.ts';
import { fail } from '../../http/errors.ts';
import { pageOf } from '../../http/paging.ts';
import { interfaceInput } from './definition-schemas.ts';
import { definitionRights, rdeSlice, type RdeInterface } from './rde-state.ts';
import { interfaceUrn } from './urns.ts';

/** Route parameters (the paths are built from constants, so express cannot infer them). */
type Params = Record<string, string>;

/**
 * `/cloudapi/1.0.0/interfaces`: every user may read them; the provider defines them (VCD's
 * "… custom entity definition" rights). Vendor, nss and version are the identity and never change.
 */
export function interfacesRoutes(ctx: SimContext): Router {
  const router = Router();
  const base = '/cloudapi/1.0.0/interfaces';
  const state = () => rdeSlice.of(ctx.store.world);
  const find = (id: string) => {
    const found = state().interfaces[id];
    if (!found) fail('notFound', { kind: 'Interface', id });
    return found;
  };
  const canDefine = (req: Request, right: string) =>
    assertRights(principalOf(req), [right], `${req.method} ${req.path}`);

  router.get(base, (req: Request<Params>, res) => {
    principalOf(req);
    res.json(pageOf(req, res, Object.values(state().interfaces), { defaultSort: 'id' }));
  });
  router.post(base, requireProvider('define RDE interfaces'), (req: Request<Params>, res) => {
    canDefine(req, definitionRights.create);
    const input = parseBody(interfaceInput, req.body);
    const id = interfaceUrn(input);
    if (state().interfaces[id]) fail('duplicateName', { kind: 'interface', name: id });
    const created: RdeInterface = {
      id,
      name: input.name,
      description: input.description ?? null,
      vendor: input.vendor,
      nss: input.nss,
      version: input.version,
      readonly: input.readonly ?? false,
    };
    state().interfaces[id] = created;
    res.status(201).json(created);
  });
  router.get(`${base}/:id`, (req: Request<Params>, res) => {
    principalOf(req);
    res.json(find(req.params.id));
  });
  router.put(`${base}/:id`, requireProvider('edit RDE interfaces'), (req: Request<Params>, res) => {
    canDefine(req, definitionRights.edit);
    const existing = find(req.params.id);
    const input = parseBody(interfaceInput, req.body);
    if (interfaceUrn(input) !== existing.id)
      fail('badRequest', { reason: 'The vendor, nss and version of an interface cannot be changed.' });
    if (existing.readonly) fail('badRequest', { reason: `Interface ${existing.id} is read-only.` });
    existing.name = input.name;
    existing.description = input.description ?? null;
    res.json(existing);
  });
  router.delete(`${base}/:id`, requireProvider('delete RDE interfaces'), (req: Request<Params>, res) => {
    canDefine(req, definitionRights.delete);
    const existing = find(req.params.id);
    if (existing.readonly) fail('badRequest', { reason: `Interface ${existing.id} is read-only.` });
    const user = Object.values(state().entityTypes).find((type) => type.interfaces.includes(existing.id));
    if (user)
      fail('badRequest', { reason: `Interface ${existing.id} is implemented by entity type ${user.id}.` });
    for (const behavior of Object.values(state().behaviors)) {
      if (behavior.ownerId === existing.id) delete state().behaviors[behavior.id];
    }
    delete state().interfaces[existing.id];
    res.status(204).end();
  });
  return router;
}
