/**
 * The cluster type's MQTT behaviours: every invocation carries the entity with its secure section, which the
 * secret vault keeps; the hooks wake the reconciler; `getKubeconfig` answers the kubeconfig of a Ready cluster (and
 * records the download); `reconcileBeforeDelete` lets the entity go only when nothing recorded is left.
 */
import { BehaviorError, type BehaviorInvocation } from '../bus/behavior-envelope.ts';
import type { BehaviorHandler } from '../bus/transport.ts';
import type { SecretSource } from './secrets.ts';
import type { ClusterService } from './service.ts';
import type { ClusterEntity } from './spec.ts';

function behaviourName(behaviorId: string): string {
  // urn:vcloud:behavior-interface:<name>:<vendor>:<nss>:<version> (or behavior-type:<name>:…)
  return behaviorId.split(':')[3] ?? '';
}

export function clusterBehaviourHandler(deps: {
  secrets: SecretSource;
  service: ClusterService;
  wake(id: string): void;
}): BehaviorHandler {
  return async (invocation: BehaviorInvocation) => {
    const entity = (invocation.entity ?? {}) as Partial<ClusterEntity>;
    deps.secrets.remember(invocation.entityId, entity.private);
    switch (behaviourName(invocation.behaviorId)) {
      case 'getKubeconfig': {
        if (entity.status?.phase !== 'Ready') {
          throw new BehaviorError(
            `The kubeconfig is available once the cluster is Ready; it is ${entity.status?.phase ?? 'Pending'}.`,
            'CLUSTER_NOT_READY',
            409,
          );
        }
        const caller = {
          userId: invocation.context.user ?? 'unknown',
          orgId: invocation.context.org ?? '',
          isProvider: true,
        };
        return deps.service.kubeconfig(caller, invocation.entityId);
      }
      case 'reconcileBeforeDelete': {
        const left = entity.status?.resources ?? [];
        if (left.length === 0) return 'nothing left to remove';
        deps.wake(invocation.entityId);
        throw new BehaviorError(
          `The cluster still has ${left.length} VCD object(s); delete it through the CSE API (DELETE /api/cse/v1/clusters/{id}), which removes them first.`,
          'CLUSTER_HAS_RESOURCES',
          400,
        );
      }
      default:
        deps.wake(invocation.entityId);
        return 'reconcile requested';
    }
  };
}
