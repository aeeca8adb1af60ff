/**
 * Faults of the emulated bootstrap: a phase's fault (`bootstrap:<phase>`) is reported `failed`
 * and ends the bootstrap, a delay past the phase's timeout hangs it silently, CAPVCD's own errors
 * (no control-plane pool to adopt) fail `control-plane-ready`, transient report errors are retried,
 * and a refused secret stops the reports.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { RunningSimulator } from '../../sim/server.ts';
import { SimAdmin, startTestSimulator, VcdClient } from '../helpers/vcd.ts';
import {
  bootstrapCloudInit,
  bootstrapVm,
  capiManifest,
  longLivedSessions,
  ownerApiToken,
  ReportEndpoint,
  tenantFixture,
  tkgTemplateName,
  type Report,
} from './bootstrap-fixtures.ts';
import { eventually, queryRecords, type TenantFixture } from './support/infra.ts';

interface BootstrapView {
  state: string;
  phase: string;
  message: string;
  clusterId: string;
}

describe('bootstrap phase faults, hangs and CAPVCD errors', () => {
  let sim: RunningSimulator;
  let author: VcdClient;
  let endpoint: ReportEndpoint;
  let fixture: TenantFixture;
  let apiToken: string;
  let template: string;

  before(async () => {
    sim = await startTestSimulator({ speed: 1000 });
    await longLivedSessions(sim);
    author = await VcdClient.login(sim.url, 'acme-author', 'acme');
    endpoint = await ReportEndpoint.start(sim, await VcdClient.provider(sim.url));
    fixture = await tenantFixture(author, 'acme');
    apiToken = await ownerApiToken(author, 'acme');
    template = await tkgTemplateName(author);
  });
  beforeEach(async () => {
    const cleared = await fetch(`${sim.url}/sim/faults`, { method: 'DELETE' });
    assert.ok(cleared.status < 300);
  });
  after(async () => {
    await endpoint?.stop();
    await sim?.close();
  });

  const addFault = async (rule: Record<string, unknown>) => {
    const response = await fetch(`${sim.url}/sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(rule),
    });
    assert.ok(response.status < 300, await response.text());
  };

  const bootstrapViewOf = async (clusterId: string): Promise<BootstrapView | undefined> => {
    const view = (await (await fetch(`${sim.url}/sim/bootstraps`)).json()) as { bootstraps: BootstrapView[] };
    return view.bootstraps.find((bootstrap) => bootstrap.clusterId === clusterId);
  };

  /** Boots a bootstrap VM for a new cluster; answers its id. */
  const startBootstrap = async (
    clusterName: string,
    options: { secretAccepted?: boolean; phaseTimeouts?: Record<string, number> } = {},
  ): Promise<string> => {
    const clusterId = `urn:vcloud:entity:cseoss:k8scluster:${randomUUID()}`;
    const secret = randomUUID().replace(/-/g, '');
    endpoint.expectedSecrets.set(clusterId, options.secretAccepted === false ? 'another-secret' : secret);
    const capiYaml = capiManifest({
      clusterId,
      clusterName,
      org: 'acme',
      ovdc: 'acme-vdc',
      network: 'acme-k8s-net',
      vip: '203.0.113.99',
      controlPlaneCount: 1,
      pools: [{ name: 'workers', count: 1 }],
      template,
    });
    const userdata = bootstrapCloudInit({
      clusterId,
      clusterName,
      vcdUrl: sim.url,
      org: 'acme',
      apiToken,
      secret,
      capiYaml,
      phaseTimeouts: options.phaseTimeouts,
    });
    await bootstrapVm(author, fixture, `${clusterName}-bootstrap`, userdata);
    return clusterId;
  };

  const ended = (clusterId: string) =>
    eventually(async () => {
      const view = await bootstrapViewOf(clusterId);
      return view && view.state !== 'running' && view;
    }, 15_000);
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
    const clusterId = await startBootstrap('kind-fails');
    const view = await ended(clusterId);
    assert.equal(view.state, 'failed');
    const reports = endpoint.of(clusterId);
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
    assert.equal(endpoint.of(clusterId).length, 3, 'nothing after the failure');
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
    const clusterId = await startBootstrap('retried');
    await ended(clusterId);
    assert.deepEqual(phasesOf(endpoint.of(clusterId)), ['vm-started:succeeded', 'tools-installed:failed']);
  });

  it('without the control-plane pool to adopt, control-plane-ready fails with CAPVCD’s error and no VM is made', async () => {
    const clusterId = await startBootstrap('no-pool');
    const view = await ended(clusterId);
    assert.equal(view.state, 'failed');
    const last = endpoint.of(clusterId).at(-1)!;
    assert.equal(last.phase, 'control-plane-ready');
    assert.equal(last.status, 'failed');
    assert.match(
      last.message,
      /unable to find load balancer pool \[no-pool-urn:vcloud:entity:cseoss:k8scluster:[0-9a-f-]+-tcp\]/,
    );
    assert.equal((await queryRecords(author, 'vApp', 'name==no-pool')).record.length, 0);
  });

  it('a delay past the phase timeout hangs the bootstrap: no more reports', async () => {
    await addFault({ operationClass: 'bootstrap:capi-initialised', delayMs: 3_600_000 });
    const clusterId = await startBootstrap('hangs', { phaseTimeouts: { 'capi-initialised': 60 } });
    const view = await ended(clusterId);
    assert.equal(view.state, 'hung');
    assert.equal(view.phase, 'capi-initialised');
    assert.match(view.message, /did not finish within 60 s/);
    assert.deepEqual(phasesOf(endpoint.of(clusterId)), [
      'vm-started:succeeded',
      'tools-installed:succeeded',
      'kind-ready:succeeded',
    ]);
  });

  it('a refused secret stops the bootstrap after the first report attempt', async () => {
    const clusterId = await startBootstrap('wrong-secret', { secretAccepted: false });
    const view = await ended(clusterId);
    assert.equal(view.state, 'unreported');
    assert.match(view.message, /report of vm-started refused: HTTP 401/);
    assert.deepEqual(endpoint.of(clusterId), []);
  });

  it('each phase is a latency class of /sim/latency', async () => {
    const latency = await new SimAdmin(sim.url).latency();
    for (const phase of ['vm-started', 'control-plane-ready', 'done'])
      assert.ok(latency.durations[`bootstrap:${phase}`]! > 0, phase);
  });
});
