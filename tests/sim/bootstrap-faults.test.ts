/**
 * Faults of the emulated bootstrap: a phase's fault (`bootstrap:<phase>`) is reported `failed`
 * and ends the bootstrap, a delay past the phase's timeout hangs it silently, CAPVCD's own errors
 * (no control-plane pool to adopt) fail `control-plane-ready`, transient report errors are retried,
 * and a refused secret stops the reports.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { SimAdmin } from '../helpers/vcd.ts';
import { bootstrapWorldHooks, runBootstrap, type Report } from './bootstrap-fixtures.ts';
import { queryRecords } from './support/infra.ts';

describe('bootstrap phase faults, hangs and CAPVCD errors', () => {
  const world = bootstrapWorldHooks();

  beforeEach(async () => {
    const cleared = await fetch(`${world.sim.url}/sim/faults`, { method: 'DELETE' });
    assert.ok(cleared.status < 300);
  });

  const addFault = async (rule: Record<string, unknown>) => {
    const response = await fetch(`${world.sim.url}/sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(rule),
    });
    assert.ok(response.status < 300, await response.text());
  };

  /** Runs the bootstrap of a new cluster without its control-plane pool; answers its id and view once it ended. */
  const bootstrap = (
    clusterName: string,
    options: { secretAccepted?: boolean; phaseTimeouts?: Record<string, number> } = {},
  ) =>
    runBootstrap(world, {
      clusterName,
      vip: '203.0.113.99',
      secretAccepted: options.secretAccepted,
      cloudInit: { phaseTimeouts: options.phaseTimeouts },
    });
  const phasesOf = (reports: Report[]) => reports.map((report) => `${report.phase}:${report.status}`);

  it('a fault of bootstrap:kind-ready is reported failed with the command and its output, then nothing more', async () => {
    await addFault({
      operationClass: 'bootstrap:kind-ready',
      error: {
        status: 500,
        minorErrorCode: 'KIND_FAILED',
        message: 'ERROR: failed to create cluster: could not pull image',
      },
      remaining: 1,
    });
    const { clusterId, view } = await bootstrap('kind-fails');
    assert.equal(view.state, 'failed');
    const reports = world.endpoint.of(clusterId);
    assert.deepEqual(phasesOf(reports), [
      'vm-started:succeeded',
      'tools-installed:succeeded',
      'kind-ready:failed',
    ]);
    assert.match(
      reports[2]!.message,
      /^kind create cluster --name cse-bootstrap failed: ERROR: failed to create cluster: could not pull image$/,
    );
    assert.equal(view.message, reports[2]!.message);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(world.endpoint.of(clusterId).length, 3, 'nothing after the failure');
  });

  it('transient errors of the report endpoint are retried; each phase arrives once', async () => {
    await addFault({
      method: 'POST',
      path: '/api/cse/v1/clusters/*/bootstrap',
      error: { status: 503, minorErrorCode: 'BUSY_ENTITY', message: 'try again' },
      remaining: 2,
    });
    await addFault({
      operationClass: 'bootstrap:tools-installed',
      error: { status: 500, minorErrorCode: 'X', message: 'curl: (6) Could not resolve host' },
    });
    const { clusterId } = await bootstrap('retried');
    assert.deepEqual(phasesOf(world.endpoint.of(clusterId)), [
      'vm-started:succeeded',
      'tools-installed:failed',
    ]);
  });

  it('without the control-plane pool to adopt, control-plane-ready fails with CAPVCD’s error and no VM is made', async () => {
    const { clusterId, view } = await bootstrap('no-pool');
    assert.equal(view.state, 'failed');
    const last = world.endpoint.of(clusterId).at(-1)!;
    assert.equal(last.phase, 'control-plane-ready');
    assert.equal(last.status, 'failed');
    assert.match(
      last.message,
      /unable to find load balancer pool \[no-pool-urn:vcloud:entity:cseoss:k8scluster:[0-9a-f-]+-tcp\]/,
    );
    assert.equal((await queryRecords(world.author, 'vApp', 'name==no-pool')).record.length, 0);
  });

  it('a delay past the phase timeout hangs the bootstrap: no more reports', async () => {
    await addFault({ operationClass: 'bootstrap:capi-initialised', delayMs: 3_600_000 });
    const { clusterId, view } = await bootstrap('hangs', { phaseTimeouts: { 'capi-initialised': 60 } });
    assert.equal(view.state, 'hung');
    assert.equal(view.phase, 'capi-initialised');
    assert.match(view.message, /did not finish within 60 s/);
    assert.deepEqual(phasesOf(world.endpoint.of(clusterId)), [
      'vm-started:succeeded',
      'tools-installed:succeeded',
      'kind-ready:succeeded',
    ]);
  });

  it('a refused secret stops the bootstrap after the first report attempt', async () => {
    const { clusterId, view } = await bootstrap('wrong-secret', { secretAccepted: false });
    assert.equal(view.state, 'unreported');
    assert.match(view.message, /report of vm-started refused: HTTP 401/);
    assert.deepEqual(world.endpoint.of(clusterId), []);
  });

  it('each phase is a latency class of /sim/latency', async () => {
    const latency = await new SimAdmin(world.sim.url).latency();
    for (const phase of ['vm-started', 'control-plane-ready', 'done'])
      assert.ok(latency.durations[`bootstrap:${phase}`]! > 0, phase);
  });
});
