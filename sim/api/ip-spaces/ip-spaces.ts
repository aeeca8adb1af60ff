import { Router, type Request } from 'express';
import { z } from 'zod';
import type { SimContext } from '../../context.ts';
import { assertRights, canSeeOrg, principalOf, requireProvider, type Principal } from '../../http/auth.ts';
import { parseBody } from '../../http/body.ts';
import { fail } from '../../http/errors.ts';
import { comparisonsOf } from '../../http/fiql.ts';
import { filterOf, pageOf } from '../../http/paging.ts';
import { isIpv4 } from '../../world/ipv4.ts';
import type { IpSpace, IpSpaceAllocation, IpSpaceOrgAssignment } from '../../world/networking.ts';
import { findGateway } from '../network/network.ts';
import { ipSpacesOfGateway } from '../network/gateway-ips.ts';
import {
  allocateFloatingIps,
  allocationJson,
  allocationsIn,
  ipSpaceOpenTo,
  usageOf,
  utilizationOf,
  type AllocationRequest,
} from './allocations.ts';

const viewRight = 'IP Spaces: View';
const allocateRight = 'IP Spaces: Allocate';
const manageRight = 'IP Spaces: Manage';

const refInput = z.object({ id: z.string(), name: z.string().optional() }).passthrough();
const allocateInput = z
  .object({
    type: z.enum(['FLOATING_IP', 'IP_PREFIX']),
    quantity: z.number().int().min(1).max(256).optional(),
    value: z.string().optional(),
    prefixLength: z.number().int().optional(),
  })
  .strict();
const allocationUpdate = z
  .object({
    id: z.string().optional(),
    type: z.enum(['FLOATING_IP', 'IP_PREFIX']).optional(),
    value: z.string().optional(),
    description: z.string().max(1024).nullable().optional(),
    orgRef: refInput.nullable().optional(),
    usageState: z.enum(['UNUSED', 'USED', 'USED_MANUAL']),
    usageCategories: z.array(z.string()).nullable().optional(),
    usedByRef: refInput.nullable().optional(),
    allocationDate: z.string().nullable().optional(),
  })
  .strict();
const orgAssignmentInput = z
  .object({
    id: z.string().optional(),
    ipSpaceRef: refInput,
    orgRef: refInput,
    ipSpaceType: z.string().optional(),
    defaultQuotas: z.unknown().optional(),
    customQuotas: z
      .object({
        floatingIpQuota: z.number().int().min(-1).nullable().optional(),
        ipPrefixQuotas: z
          .array(z.object({ prefixLength: z.number().int(), quota: z.number().int() }))
          .nullable()
          .optional(),
      })
      .strict()
      .nullable()
      .optional(),
  })
  .strict();
const ipSpaceUpdate = z
  .object({
    name: z.string().min(1).max(128),
    description: z.string().max(1024).nullable().optional(),
    ipSpaceRanges: z
      .object({ defaultFloatingIpQuota: z.number().int().min(-1) })
      .passthrough()
      .optional(),
  })
  .passthrough();

/**
 * IP spaces: the spaces (provider manages, tenants see those open to them), floating IP
 * allocation as a task with the allocations in `result.resultContent`, allocations with usage,
 * per-org quotas, and floating IP suggestions per gateway.
 */
export function ipSpacesArea(ctx: SimContext): Router {
  const router = Router();
  const base = '/cloudapi/1.0.0';
  const world = () => ctx.store.world;
  const viewer = (req: Request) => {
    const principal = principalOf(req);
    assertRights(principal, [viewRight], 'view IP spaces');
    return principal;
  };
  /** The org whose view of a space is shown: null for a provider acting as itself. */
  const orgView = (principal: Principal): string | null =>
    principal.isProvider && !principal.actingInTenant ? null : principal.effectiveOrg.id;
  const visibleSpaces = (principal: Principal) => {
    const org = orgView(principal);
    return Object.values(world().ipSpaces).filter((space) => org === null || ipSpaceOpenTo(space, org));
  };
  const findSpace = (principal: Principal, id: string): IpSpace => {
    const space = visibleSpaces(principal).find((candidate) => candidate.id === id);
    if (!space) fail('notFound', { kind: 'IpSpace', id });
    return space;
  };
  const spaceJson = (space: IpSpace, principal: Principal) => ({
    ...space,
    ipSpaceRanges: {
      ...space.ipSpaceRanges,
      ipRanges: space.ipSpaceRanges.ipRanges.map((range) => ({
        ...range,
        allocatedIpCount: String(
          allocationsIn(world(), space.id).filter((allocation) => allocation.type === 'FLOATING_IP').length,
        ),
      })),
    },
    utilization: utilizationOf(world(), space, orgView(principal)),
  });

  router.get(`${base}/ipSpaces`, (req, res) => {
    const principal = viewer(req);
    res.json(
      pageOf(
        req,
        res,
        visibleSpaces(principal).map((space) => spaceJson(space, principal)),
        { defaultSort: 'name' },
      ),
    );
  });
  router.get(`${base}/ipSpaces/summaries`, (req, res) => {
    const principal = viewer(req);
    const summaries = visibleSpaces(principal).map((space) => ({
      id: space.id,
      name: space.name,
      type: space.type,
      orgRef: space.orgRef,
      status: space.status,
      utilization: utilizationOf(world(), space, orgView(principal)),
    }));
    res.json(pageOf(req, res, summaries, { defaultSort: 'name' }));
  });
  router.get(`${base}/ipSpaceUplinks`, requireProvider('view IP space uplinks'), (req, res) => {
    res.json(pageOf(req, res, Object.values(world().ipSpaceUplinks), { defaultSort: 'name' }));
  });

  // ---- floating IP suggestions ----
  router.get(`${base}/ipSpaces/floatingIpSuggestions`, (req, res) => {
    const principal = viewer(req);
    const filter = filterOf(req);
    const gatewayId =
      filter && comparisonsOf(filter).find((c) => c.selector === 'gatewayId' && c.operator === '==')?.value;
    if (!gatewayId)
      fail('badRequest', { reason: 'floatingIpSuggestions needs filter=gatewayId==<edge gateway id>.' });
    const gateway = findGateway(principal, world(), gatewayId);
    const suggestions = ipSpacesOfGateway(world(), gateway)
      .filter((space) => ipSpaceOpenTo(space, gateway.orgRef.id))
      .map((space) => {
        const unusedValues = allocationsIn(world(), space.id, gateway.orgRef.id)
          .filter(
            (allocation) =>
              allocation.type === 'FLOATING_IP' && usageOf(world(), allocation).usageState === 'UNUSED',
          )
          .map((allocation) => allocation.value);
        // IpSpaceFloatingIpSuggestion has only these two fields (go-vcloud-director
        // types/v56/ip_space.go; model_ip_space_floating_ip_suggestion.go in CAPVCD's vendored swagger).
        return { ipSpaceRef: { id: space.id, name: space.name }, unusedValues };
      });
    res.json(
      pageOf(req, res, suggestions, {
        defaultSort: 'ipSpaceRef.name',
        // `ipType` is a filter, not a field: every seeded IP space is IPv4.
        customSelectors: {
          gatewayId: () => true,
          ipType: (_item, operator, value) => (operator === '==') === (value === 'IPV4'),
        },
      }),
    );
  });

  // ---- org assignments (custom quotas) ----
  const assignmentJson = (assignment: IpSpaceOrgAssignment) => {
    const space = world().ipSpaces[assignment.ipSpaceRef.id];
    return {
      ...assignment,
      defaultQuotas: {
        floatingIpQuota: space?.ipSpaceRanges.defaultFloatingIpQuota ?? 0,
        ipPrefixQuotas: [],
      },
    };
  };
  const visibleAssignments = (principal: Principal) =>
    Object.values(world().ipSpaceOrgAssignments).filter((assignment) =>
      canSeeOrg(principal, assignment.orgRef.id),
    );
  const findAssignment = (principal: Principal, id: string) => {
    const assignment = visibleAssignments(principal).find((candidate) => candidate.id === id);
    if (!assignment) fail('notFound', { kind: 'IpSpaceOrgAssignment', id });
    return assignment;
  };
  router.get(`${base}/ipSpaces/orgAssignments`, (req, res) => {
    res.json(pageOf(req, res, visibleAssignments(viewer(req)).map(assignmentJson)));
  });
  router.get(`${base}/ipSpaces/orgAssignments/:id`, (req, res) => {
    res.json(assignmentJson(findAssignment(viewer(req), req.params.id)));
  });
  const manager = (req: Request) => {
    const principal = principalOf(req);
    if (!principal.isProvider) fail('providerOnly', { operation: 'manage IP spaces' });
    assertRights(principal, [manageRight], 'manage IP spaces');
    return principal;
  };
  router.post(`${base}/ipSpaces/orgAssignments`, (req, res) => {
    manager(req);
    const input = parseBody(orgAssignmentInput, req.body);
    const space = world().ipSpaces[input.ipSpaceRef.id];
    const org = world().orgs[input.orgRef.id];
    if (!space || !org)
      fail('badRequest', { reason: 'ipSpaceRef and orgRef must name an existing IP space and org.' });
    if (
      Object.values(world().ipSpaceOrgAssignments).some(
        (a) => a.ipSpaceRef.id === space.id && a.orgRef.id === org.id,
      )
    ) {
      fail('duplicateName', { kind: 'IP space org assignment', name: `${space.name}/${org.name}` });
    }
    const assignment: IpSpaceOrgAssignment = {
      id: ctx.store.ids.urn('ipSpaceOrgAssignment'),
      ipSpaceRef: { id: space.id, name: space.name },
      orgRef: { id: org.id, name: org.name },
      ipSpaceType: space.type,
      customQuotas: {
        floatingIpQuota: input.customQuotas?.floatingIpQuota ?? null,
        ipPrefixQuotas: input.customQuotas?.ipPrefixQuotas ?? [],
      },
    };
    world().ipSpaceOrgAssignments[assignment.id] = assignment;
    res.status(201).json(assignmentJson(assignment));
  });
  router.put(`${base}/ipSpaces/orgAssignments/:id`, (req, res) => {
    const assignment = findAssignment(manager(req), req.params.id);
    const input = parseBody(orgAssignmentInput, req.body);
    if (input.ipSpaceRef.id !== assignment.ipSpaceRef.id || input.orgRef.id !== assignment.orgRef.id) {
      fail('badRequest', { reason: 'ipSpaceRef and orgRef of an org assignment cannot change.' });
    }
    assignment.customQuotas = {
      floatingIpQuota: input.customQuotas?.floatingIpQuota ?? null,
      ipPrefixQuotas: input.customQuotas?.ipPrefixQuotas ?? [],
    };
    res.json(assignmentJson(assignment));
  });
  router.delete(`${base}/ipSpaces/orgAssignments/:id`, (req, res) => {
    const assignment = findAssignment(manager(req), req.params.id);
    delete world().ipSpaceOrgAssignments[assignment.id];
    res.status(204).end();
  });

  // ---- one IP space ----
  router.get(`${base}/ipSpaces/:id`, (req, res) => {
    const principal = viewer(req);
    res.json(spaceJson(findSpace(principal, req.params.id), principal));
  });
  router.put(`${base}/ipSpaces/:id`, (req, res) => {
    const principal = manager(req);
    const space = findSpace(principal, req.params.id);
    const input = parseBody(ipSpaceUpdate, req.body);
    space.name = input.name;
    if (input.description !== undefined) space.description = input.description ?? '';
    if (input.ipSpaceRanges)
      space.ipSpaceRanges.defaultFloatingIpQuota = input.ipSpaceRanges.defaultFloatingIpQuota;
    res.json(spaceJson(space, principal));
  });

  // ---- allocations ----
  router.post(`${base}/ipSpaces/:id/allocate`, (req, res) => {
    const principal = principalOf(req);
    assertRights(principal, [allocateRight], 'allocate from an IP space');
    if (principal.isProvider && !principal.actingInTenant) {
      fail('tenantContextRequired', { operation: 'IP space allocation' });
    }
    const space = findSpace(principal, req.params.id);
    const input = parseBody(allocateInput, req.body);
    if (input.type === 'IP_PREFIX')
      fail('badRequest', { reason: 'IP prefix allocation is not supported by the simulator.' });
    if (input.value !== undefined && input.quantity !== undefined)
      fail('badRequest', { reason: 'Give either quantity or value, not both.' });
    if (input.value !== undefined && !isIpv4(input.value))
      fail('badRequest', { reason: `${input.value} is not an IPv4 address.` });
    const request: AllocationRequest =
      input.value !== undefined
        ? { type: 'FLOATING_IP', value: input.value }
        : { type: 'FLOATING_IP', quantity: input.quantity ?? 1 };
    const org = principal.effectiveOrg;
    const task = ctx.tasks.start({
      operation: `Allocating floating IP(s) from IP Space ${space.name}`,
      operationName: 'ipSpaceAllocate',
      owner: { id: space.id, name: space.name, type: 'application/json' },
      org,
      user: principal.user,
      work: async (running) => {
        await ctx.latency.wait('ipAllocation', running.signal);
        const current = ctx.store.world.ipSpaces[space.id];
        if (!current) fail('notFound', { kind: 'IpSpace', id: space.id });
        const allocations = allocateFloatingIps(
          ctx.store.world,
          ctx.store.ids,
          current,
          org,
          request,
          ctx.clock.iso(),
        );
        ctx.store.changed();
        // VCD puts the JSON text of the new allocations in resultContent.
        return JSON.stringify(
          allocations.map((allocation) => ({
            id: allocation.id,
            value: allocation.value,
            suggestedValue: null,
          })),
        );
      },
    });
    ctx.tasks.accepted(res, task, ctx.publicUrl());
  });

  const visibleAllocations = (principal: Principal, space: IpSpace) =>
    allocationsIn(world(), space.id).filter((allocation) => canSeeOrg(principal, allocation.orgRef.id));
  const findAllocation = (
    req: Request<{ id: string; allocationId: string }>,
  ): { principal: Principal; allocation: IpSpaceAllocation } => {
    const principal = viewer(req);
    const space = findSpace(principal, req.params.id);
    const allocation = visibleAllocations(principal, space).find(
      (candidate) => candidate.id === req.params.allocationId,
    );
    if (!allocation) fail('notFound', { kind: 'IpSpaceIpAllocation', id: req.params.allocationId });
    return { principal, allocation };
  };
  router.get(`${base}/ipSpaces/:id/allocations`, (req, res) => {
    const principal = viewer(req);
    const space = findSpace(principal, req.params.id);
    res.json(
      pageOf(
        req,
        res,
        visibleAllocations(principal, space).map((allocation) => allocationJson(world(), allocation)),
        {
          defaultSort: 'value',
        },
      ),
    );
  });
  router.get(`${base}/ipSpaces/:id/allocations/:allocationId`, (req, res) => {
    res.json(allocationJson(world(), findAllocation(req).allocation));
  });
  router.put(`${base}/ipSpaces/:id/allocations/:allocationId`, (req, res) => {
    const { principal, allocation } = findAllocation(req);
    assertRights(principal, [allocateRight], 'update an IP space allocation');
    const input = parseBody(allocationUpdate, req.body);
    if (input.value !== undefined && input.value !== allocation.value)
      fail('badRequest', { reason: 'The value of an allocation cannot change.' });
    if (input.usageState === 'USED')
      fail('badRequest', { reason: 'usageState USED is set by the system; use USED_MANUAL or UNUSED.' });
    allocation.usageState = input.usageState;
    allocation.description = input.description ?? '';
    res.json(allocationJson(world(), allocation));
  });
  router.delete(`${base}/ipSpaces/:id/allocations/:allocationId`, (req, res) => {
    const { principal, allocation } = findAllocation(req);
    assertRights(principal, [allocateRight], 'release an IP space allocation');
    const usage = usageOf(world(), allocation);
    if (usage.usageState === 'USED') {
      fail('ipAllocationInUse', { value: allocation.value, usedBy: usage.usedByRef?.name ?? 'a service' });
    }
    delete world().ipSpaceAllocations[allocation.id];
    res.status(204).end();
  });

  return router;
}
