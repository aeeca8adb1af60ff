import { Router } from 'express';
import type { SimContext } from '../../context.ts';
import { poolsRouter } from './pools.ts';
import { serviceEngineGroupsRouter } from './service-engine-groups.ts';
import { virtualServicesRouter } from './virtual-services.ts';

/** NSX ALB on NSX-T edge gateways (reference `vcd-load-balancer-and-contour.md` §1). */
export function albArea(ctx: SimContext): Router {
  const router = Router();
  router.use(serviceEngineGroupsRouter(ctx));
  router.use(poolsRouter(ctx));
  router.use(virtualServicesRouter(ctx));
  return router;
}
