import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  clusterRequest,
  createCluster,
  infrastructure,
  startClusterStack,
  tenant,
  waitForPhase,
  type ClusterStack,
  type ClusterView,
  type Tenant,
} from './cluster-fixtures.ts';

/**
 * One fault per bootstrap phase, each firing once, and as many clusters created at once: every phase fails one
 * cluster. The clusters spread over both tenants and both kinds of gateway (IP space and legacy uplink). Two test
 * files share this, each with half of the phases, to stay fast.
 */
export function describeBootstrapFaults(phaseList: readonly string[]): void {
  describe(`bootstrap phases ${phaseList.join(', ')} failing leave the cluster Failed, with nothing leaked, and retry succeeds`, () => {
    let stack: ClusterStack;
    let tenants: Tenant[];
    let world0: Record<string, unknown>;
    const clusters: Array<{ id: string; who: Tenant }> = [];
    let failed: ClusterView[] = [];

    before(async () => {
      // Speed 1000: the simulated latencies of a create (431 s of bootstrap phases at speed 1) take under a second,
      // so the wall time is the worker's and the simulator's own work. Nothing here waits on real time.
      stack = await startClusterStack({ speed: 1000 });
      tenants = [await tenant(stack, 'acme'), await tenant(stack, 'globex')];
      world0 = infrastructure(await stack.admin.state());
    });
    after(() => stack.close());

    it('fails one cluster in each phase, each with an event naming the phase and the reason', async () => {
      await stack.admin.setFaults(
        phaseList.map((phase) => ({
          operationClass: `bootstrap:${phase}`,
          error: {
            status: 500,
            minorErrorCode: 'INTERNAL_SERVER_ERROR',
            message: `${phase} broke on purpose`,
          },
          remaining: 1,
        })),
      );
      // All at once: which cluster a fault hits does not matter, only that every phase fails one.
      const created = await Promise.all(
        phaseList.map((_, index) => {
          const who = tenants[index % 2]!;
          const network = index % 4 < 2 ? `${who.org}-k8s-net` : `${who.org}-k8s-net-uplink`;
          const body = clusterRequest(who, `fault-${index}`, {
            network,
            ingress: { contour: { enabled: false } },
          });
          return createCluster(who, body).then((response) => ({ response, who }));
        }),
      );
      for (const { response, who } of created) {
        assert.equal(response.status, 202, response.text);
        clusters.push({ id: response.body.id, who });
      }
      const views = await Promise.all(
        clusters.map(({ id }) => waitForPhase(stack, id, ['Failed', 'Ready'], 55_000)),
      );
      failed = views.filter((view): view is ClusterView => view?.phase === 'Failed');
      const phases = failed
        .map((view) => {
          const event = view.status.events?.find(
            (e) => e.reason === 'BootstrapPhaseFailed' && e.type === 'Warning',
          );
          assert.match(event?.message ?? '', /broke on purpose/);
          assert.match(view.status.message ?? '', /Retry the cluster, or delete it\./);
          assert.deepEqual(view.status.resources ?? [], [], 'the failed attempt removed what it created');
          return /phase (\S+) failed/.exec(event!.message)![1]!;
        })
        .sort();
      assert.deepEqual(phases, [...phaseList].sort());
      await stack.admin.clearFaults();
      assert.deepEqual(infrastructure(await stack.admin.state()), world0, 'nothing leaked');
    });

    it('retries a failed cluster to Ready; only a Failed cluster can be retried', async () => {
      const { id, who } = clusters.find((cluster) => cluster.id === failed[0]!.id)!;
      const retry = await who.user.post(`/api/cse/v1/clusters/${id}/retry`, undefined, {
        accept: 'application/json',
      });
      assert.equal(retry.status, 202, retry.text);
      const again = await who.user.post(`/api/cse/v1/clusters/${id}/retry`, undefined, {
        accept: 'application/json',
      });
      assert.equal(again.status, 409);
      const cluster = (await waitForPhase(stack, id, ['Ready', 'Failed']))!;
      assert.equal(cluster.phase, 'Ready', JSON.stringify(cluster.status.events));
    });

    it('deletes every cluster, failed or ready, and leaves the world as it was', async () => {
      for (const { id, who } of clusters) {
        const removed = await who.user.delete(`/api/cse/v1/clusters/${id}`, { accept: 'application/json' });
        assert.equal(removed.status, 202, removed.text);
      }
      await Promise.all(clusters.map(({ id }) => waitForPhase(stack, id, ['Gone'])));
      assert.deepEqual(infrastructure(await stack.admin.state()), world0);
    });
  });
}
