import assert from 'node:assert/strict';
import { it } from 'node:test';
import { bootstrapPhaseNames } from '../../backend/bootstrap/phases.ts';
import { chainClasses, createChain, criticalPath } from '../../bench/lib/create-chain.ts';
import { defaultPhaseDurations, isKnownPhase, phaseClass } from '../../sim/infra/bootstrap/phases.ts';
import { kubeLatencyClasses } from '../../sim/infra/kube/pod-lifecycle.ts';
import { defaultDurations } from '../../sim/infra/latency.ts';

/** Every class the simulator defines by default or once its areas (bootstrap, kube) have started. */
function simulatorDurations(): Record<string, number> {
  return {
    ...defaultDurations,
    ...Object.fromEntries(
      Object.entries(defaultPhaseDurations).map(([phase, ms]) => [phaseClass(phase), ms]),
    ),
    ...kubeLatencyClasses,
  };
}

it("bench:create's critical path names only latency classes the simulator defines", () => {
  const defined = simulatorDurations();
  assert.deepEqual(
    chainClasses().filter((name) => defined[name] === undefined),
    [],
  );
});

it('the critical path runs every bootstrap phase the worker asks of the VM, in order, each one the simulator knows', () => {
  const phases = createChain
    .filter((segment) => segment.key.startsWith('bootstrap:'))
    .map((segment) => segment.key.slice('bootstrap:'.length));
  assert.deepEqual(phases, [...bootstrapPhaseNames]);
  assert.ok(phases.every(isKnownPhase));
});

it('prices each segment by its longest path, divided by the speed', () => {
  const durations = simulatorDurations();
  const path = criticalPath({ speed: 20, durations });
  const contour = path.segments.find((segment) => segment.key === 'contour')!;
  assert.equal(contour.ms, (durations['kubePodStartup']! + durations['kubeJobRun']!) / 20);
  assert.equal(contour.classes, 'kubePodStartup + kubeJobRun');
  const sum = path.segments.reduce((total, segment) => total + segment.ms, 0);
  assert.equal(path.totalMs, sum);
  const atSpeedOne = criticalPath({ speed: 1, durations }).totalMs;
  assert.ok(Math.abs(path.totalMs - atSpeedOne / 20) < 1e-6);
});

it('refuses to price a chain whose classes the simulator does not define, naming them', () => {
  const durations = { ...simulatorDurations() };
  delete durations['kubeJobRun'];
  assert.throws(() => criticalPath({ speed: 1, durations }), /kubeJobRun/);
});
