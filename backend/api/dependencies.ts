/** What the API's handlers need from the rest of the worker. */
import type { Logger } from 'pino';
import type { VcdClient } from '../vcd/client.ts';
import type { Principal } from './auth.ts';
import type { ClusterService } from '../clusters/service.ts';
import type { ProviderServices } from '../provider/services.ts';

export interface ApiDependencies {
  /** The worker's own VCD client (service account). */
  vcd: VcdClient;
  /** Transports this worker serves (`amqp`, `mqtt`), for `about`. */
  transports: string[];
  logger?: Logger;
  /** The cluster lifecycle (create, delete, retry, kubeconfig, events, bootstrap reports); absent in read-only tests. */
  clusters?: ClusterService;
  /** Settings entity, template catalog and tenants; created from `vcd` when absent. */
  provider?: ProviderServices;
}

/**
 * The client to read VCD with on behalf of a caller: the caller's own bearer when VCD passed one (VCD then
 * enforces its ACLs too), else the service account in the caller's org (tenant context). Handlers still make the
 * worker's own org check on what comes back.
 */
export function callerVcd(dependencies: ApiDependencies, principal: Principal): VcdClient {
  if (principal.bearer) return dependencies.vcd.withBearer(principal.bearer);
  return dependencies.vcd.withTenant(principal.isProvider ? undefined : principal.orgId);
}
