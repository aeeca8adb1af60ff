import { Router, type Request } from 'express';
import { z } from 'zod';
import type { SimContext } from '../../context.ts';
import { canSeeOrg, principalOf, type Principal } from '../../http/auth.ts';
import { parseBody } from '../../http/body.ts';
import { fail } from '../../http/errors.ts';
import { comparisonsOf } from '../../http/fiql.ts';
import { filterOf, pageOf } from '../../http/paging.ts';
import { loadBalancerSlice } from '../../world/load-balancer.ts';
import type { ServiceEngineGroup, ServiceEngineGroupAssignment } from '../../world/networking.ts';
import type { World } from '../../world/world.ts';
import { albBase, albViewer, gatewayOf, startRealization } from './common.ts';

/** Virtual services deployed on a SEG (optionally only those of one gateway). */
export function deployedCount(world: World, segId: string, gatewayId?: string): number {
  return Object.values(loadBalancerSlice.of(world).virtualServices).filter(
    (service) =>
      service.serviceEngineGroupRef.id === segId &&
      (gatewayId === undefined || service.gatewayRef.id === gatewayId),
  ).length;
}

const ref = z.object({ id: z.string().min(1), name: z.string().nullable().optional() }).passthrough();
const assignmentInput = z
  .object({
    id: z.string().optional(),
    gatewayRef: ref,
    serviceEngineGroupRef: ref,
    gatewayOrgRef: ref.nullable().optional(),
    gatewayOwnerRef: ref.nullable().optional(),
    maxVirtualServices: z.number().int().min(0).nullable().optional(),
    minVirtualServices: z.number().int().min(0).nullable().optional(),
    numDeployedVirtualServices: z.number().optional(),
  })
  .strict();
const settingsInput = z
  .object({
    enabled: z.boolean(),
    supportedFeatureSet: z.enum(['STANDARD', 'PREMIUM']).optional(),
    licenseType: z.enum(['BASIC', 'ENTERPRISE']).optional(),
    loadBalancerCloudRef: ref.nullable().optional(),
    serviceNetworkDefinition: z.string().optional(),
    ipv6ServiceNetworkDefinition: z.string().nullable().optional(),
    transparentModeEnabled: z.boolean().optional(),
  })
  .strict();

/**
 * Provider ALB objects (controllers, clouds, service engine groups), SEG assignments to edge
 * gateways with their virtual-service quotas, and each gateway's ALB settings.
 */
export function serviceEngineGroupsRouter(ctx: SimContext): Router {
  const router = Router();
  const world = () => ctx.store.world;
  const provider = (req: Request, operation: string): Principal => {
    const principal = principalOf(req);
    if (!principal.isProvider) fail('providerOnly', { operation });
    return principal;
  };

  router.get(`${albBase}/loadBalancer/controllers`, (req, res) => {
    provider(req, 'view NSX ALB controllers');
    res.json(pageOf(req, res, Object.values(world().albControllers), { defaultSort: 'name' }));
  });
  router.get(`${albBase}/loadBalancer/clouds`, (req, res) => {
    provider(req, 'view NSX ALB clouds');
    res.json(pageOf(req, res, Object.values(world().albClouds), { defaultSort: 'name' }));
  });

  const visibleAssignments = (principal: Principal) =>
    Object.values(world().serviceEngineGroupAssignments).filter((assignment) =>
      canSeeOrg(principal, assignment.gatewayOrgRef.id),
    );
  const assignmentJson = (assignment: ServiceEngineGroupAssignment) => ({
    ...assignment,
    numDeployedVirtualServices: deployedCount(
      world(),
      assignment.serviceEngineGroupRef.id,
      assignment.gatewayRef.id,
    ),
  });
  const segJson = (seg: ServiceEngineGroup) => ({
    ...seg,
    numDeployedVirtualServices: deployedCount(world(), seg.id),
  });

  router.get(`${albBase}/loadBalancer/serviceEngineGroups`, (req, res) => {
    const principal = albViewer(req);
    const isAdmin = principal.isProvider && !principal.actingInTenant;
    const assignments = visibleAssignments(principal);
    // `_context==<gatewayId>` (assigned to it) and `_context==assignable` (provider: not yet assigned).
    const contexts = (() => {
      const filter = filterOf(req);
      return filter
        ? comparisonsOf(filter)
            .filter((c) => c.selector === '_context')
            .map((c) => c.value)
        : [];
    })();
    const gatewayContext = contexts.find((value) => value !== 'assignable');
    const assignable = contexts.includes('assignable');
    let segs = Object.values(world().serviceEngineGroups).filter(
      (seg) => isAdmin || assignments.some((assignment) => assignment.serviceEngineGroupRef.id === seg.id),
    );
    if (gatewayContext) {
      gatewayOf(principal, ctx, gatewayContext);
      const assigned = new Set(
        assignments.filter((a) => a.gatewayRef.id === gatewayContext).map((a) => a.serviceEngineGroupRef.id),
      );
      segs = segs.filter((seg) => (assignable ? !assigned.has(seg.id) : assigned.has(seg.id)));
    }
    res.json(
      pageOf(req, res, segs.map(segJson), { defaultSort: 'name', customSelectors: { _context: () => true } }),
    );
  });
  router.get(`${albBase}/loadBalancer/serviceEngineGroups/assignments`, (req, res) => {
    const principal = albViewer(req);
    res.json(pageOf(req, res, visibleAssignments(principal).map(assignmentJson), { defaultSort: 'id' }));
  });
  const findAssignment = (principal: Principal, id: string) => {
    const assignment = visibleAssignments(principal).find((candidate) => candidate.id === id);
    if (!assignment) fail('notFound', { kind: 'ServiceEngineGroupAssignment', id });
    return assignment;
  };
  router.get(`${albBase}/loadBalancer/serviceEngineGroups/assignments/:id`, (req, res) => {
    res.json(assignmentJson(findAssignment(albViewer(req), req.params.id)));
  });
  router.post(`${albBase}/loadBalancer/serviceEngineGroups/assignments`, (req, res) => {
    const principal = provider(req, 'assign service engine groups');
    const input = parseBody(assignmentInput, req.body);
    const gateway = gatewayOf(principal, ctx, input.gatewayRef.id);
    const seg = world().serviceEngineGroups[input.serviceEngineGroupRef.id];
    if (!seg)
      fail('badRequest', {
        reason: `Service Engine Group ${input.serviceEngineGroupRef.id} does not exist.`,
      });
    if (!world().albGatewaySettings[gateway.id]?.enabled) fail('albNotEnabled', { gateway: gateway.name });
    if (
      visibleAssignments(principal).some(
        (a) => a.gatewayRef.id === gateway.id && a.serviceEngineGroupRef.id === seg.id,
      )
    ) {
      fail('badRequest', {
        reason: `Service Engine Group "${seg.name}" is already assigned to Edge Gateway "${gateway.name}".`,
      });
    }
    const assignment: ServiceEngineGroupAssignment = {
      id: ctx.store.ids.urn('serviceEngineGroupAssignment'),
      gatewayRef: { id: gateway.id, name: gateway.name },
      serviceEngineGroupRef: { id: seg.id, name: seg.name },
      gatewayOrgRef: gateway.orgRef,
      gatewayOwnerRef: gateway.ownerRef,
      maxVirtualServices: input.maxVirtualServices ?? seg.maxVirtualServices,
      minVirtualServices: input.minVirtualServices ?? 0,
      numDeployedVirtualServices: 0,
    };
    world().serviceEngineGroupAssignments[assignment.id] = assignment;
    res.status(201).json(assignmentJson(assignment));
  });
  router.put(`${albBase}/loadBalancer/serviceEngineGroups/assignments/:id`, (req, res) => {
    const principal = provider(req, 'change service engine group assignments');
    const assignment = findAssignment(principal, req.params.id);
    const input = parseBody(assignmentInput, req.body);
    if (
      input.gatewayRef.id !== assignment.gatewayRef.id ||
      input.serviceEngineGroupRef.id !== assignment.serviceEngineGroupRef.id
    ) {
      fail('badRequest', { reason: 'The gateway and SEG of an assignment cannot change.' });
    }
    if (input.maxVirtualServices != null) assignment.maxVirtualServices = input.maxVirtualServices;
    if (input.minVirtualServices != null) assignment.minVirtualServices = input.minVirtualServices;
    res.json(assignmentJson(assignment));
  });
  router.delete(`${albBase}/loadBalancer/serviceEngineGroups/assignments/:id`, (req, res) => {
    const principal = provider(req, 'remove service engine group assignments');
    const assignment = findAssignment(principal, req.params.id);
    if (deployedCount(world(), assignment.serviceEngineGroupRef.id, assignment.gatewayRef.id) > 0) {
      fail('badRequest', { reason: 'The assignment still has virtual services deployed.' });
    }
    delete world().serviceEngineGroupAssignments[assignment.id];
    res.status(204).end();
  });
  router.get(`${albBase}/loadBalancer/serviceEngineGroups/:id`, (req, res) => {
    const principal = albViewer(req);
    const seg = world().serviceEngineGroups[req.params.id];
    const visible =
      seg &&
      ((principal.isProvider && !principal.actingInTenant) ||
        visibleAssignments(principal).some((a) => a.serviceEngineGroupRef.id === seg.id));
    if (!seg || !visible) fail('notFound', { kind: 'ServiceEngineGroup', id: req.params.id });
    res.json(segJson(seg));
  });

  // ---- gateway ALB settings ----
  router.get(`${albBase}/edgeGateways/:id/loadBalancer`, (req, res) => {
    const gateway = gatewayOf(albViewer(req), ctx, req.params.id);
    res.json(world().albGatewaySettings[gateway.id] ?? { enabled: false });
  });
  router.put(`${albBase}/edgeGateways/:id/loadBalancer`, (req, res) => {
    const principal = provider(req, 'configure NSX ALB on an edge gateway');
    const gateway = gatewayOf(principal, ctx, req.params.id);
    const input = parseBody(settingsInput, req.body);
    const current = world().albGatewaySettings[gateway.id];
    if (
      input.serviceNetworkDefinition &&
      current?.enabled &&
      input.serviceNetworkDefinition !== current.serviceNetworkDefinition
    ) {
      fail('badRequest', {
        reason: 'The service network definition cannot be changed once load balancing is enabled.',
      });
    }
    const cloud = input.loadBalancerCloudRef
      ? world().albClouds[input.loadBalancerCloudRef.id]
      : Object.values(world().albClouds)[0];
    if (input.enabled && !cloud)
      fail('badRequest', { reason: 'An NSX ALB cloud is required to enable load balancing.' });
    const task = startRealization(
      ctx,
      principal,
      {
        orgId: gateway.orgRef.id,
        owner: { id: gateway.id, name: gateway.name },
        operation: `Updating load balancer settings of ${gateway.name}`,
        operationName: 'updateEdgeGatewayLoadBalancer',
      },
      {
        success: () => {
          world().albGatewaySettings[gateway.id] = {
            enabled: input.enabled,
            supportedFeatureSet: input.supportedFeatureSet ?? current?.supportedFeatureSet ?? 'STANDARD',
            loadBalancerCloudRef: input.enabled && cloud ? { id: cloud.id, name: cloud.name } : null,
            serviceNetworkDefinition:
              input.serviceNetworkDefinition ?? current?.serviceNetworkDefinition ?? '192.168.255.1/25',
            transparentModeEnabled: input.transparentModeEnabled ?? false,
          };
        },
        failure: () => undefined,
      },
    );
    ctx.tasks.accepted(res, task, ctx.publicUrl());
  });

  return router;
}
