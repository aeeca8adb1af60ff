/**
 * The `/api/cse` request handler the bus transports feed: the route table behind the router, with a directory
 * backed by VCD. `startWorker` plugs this in.
 */
import type { RequestHandler } from '../bus/transport.ts';
import type { Directory } from './auth.ts';
import type { ApiDependencies } from './dependencies.ts';
import { VcdDirectory } from './directory.ts';
import { createRouter } from './router.ts';
import { buildRoutes } from './routes.ts';

export interface ApiOptions extends ApiDependencies {
  /** Defaults to one backed by `vcd`. */
  directory?: Directory;
  maxBodyBytes?: number;
}

export function createApiHandler(options: ApiOptions): RequestHandler {
  return createRouter({
    routes: buildRoutes(options),
    directory: options.directory ?? new VcdDirectory(options.vcd),
    logger: options.logger,
    maxBodyBytes: options.maxBodyBytes,
  });
}
