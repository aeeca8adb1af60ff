/** Step (i): the bootstrap VM has done its work; delete its vApp and forget it. */
import { deleteVApp } from '../../vcd/vapps.ts';
import { DONE, findResource, forgetResource, type ClusterScope, type PhaseOutcome } from '../scope.ts';

export async function removeBootstrapVm(scope: ClusterScope): Promise<PhaseOutcome> {
  const recorded = findResource(scope.status, 'vApp', scope.names.bootstrapVApp);
  if (!recorded) return DONE;
  if (recorded.id !== recorded.name) await deleteVApp(scope.tenant, recorded.id, scope.taskWait);
  forgetResource(scope.status, recorded);
  await scope.checkpoint();
  return DONE;
}
