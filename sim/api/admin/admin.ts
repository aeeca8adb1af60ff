import { Router } from 'express';
import { z } from 'zod';
import type { SimContext } from '../../context.ts';
import { parseBody } from '../../http/body.ts';
import { fail } from '../../http/errors.ts';
import { faultListSchema, faultRuleSchema } from '../../infra/faults.ts';
import type { JsonValue } from '../../world/json.ts';
import { seedWorld } from '../../world/seed.ts';

const latencyInput = z
  .object({
    speed: z.number().positive().optional(),
    durations: z.record(z.number().min(0)).optional(),
  })
  .strict();

const advanceInput = z.object({ ms: z.number().min(0) }).strict();

/** A task with no real work, for tests and benchmarks of task handling. */
const testTaskInput = z
  .object({
    org: z.string().default('System'),
    user: z.string().optional(),
    operationName: z.string().default('simTestTask'),
    outcome: z.enum(['success', 'error']).default('success'),
    resultContent: z.unknown().optional(),
    latencyClass: z.string().nullable().optional(),
    /** Extra simulated ms of work after the latency class. */
    workMs: z.number().min(0).default(0),
  })
  .strict();

/**
 * `/sim/*` admin endpoints (only with `--admin`; otherwise they do not exist): the whole world,
 * faults, latency, time and reset. Tests and benchmarks drive the simulator only through these.
 */
export function adminArea(ctx: SimContext): Router {
  const router = Router();
  if (!ctx.options.admin) return router;

  router.get('/sim/state', (_req, res) => {
    res.json(ctx.store.world);
  });

  router.get('/sim/faults', (_req, res) => {
    res.json({ faults: ctx.faults.list() });
  });
  router.put('/sim/faults', (req, res) => {
    ctx.faults.set(parseBody(faultListSchema, req.body).faults);
    res.json({ faults: ctx.faults.list() });
  });
  router.post('/sim/faults', (req, res) => {
    res.status(201).json(ctx.faults.add(parseBody(faultRuleSchema, req.body)));
  });
  router.delete('/sim/faults', (_req, res) => {
    ctx.faults.clear();
    res.status(204).end();
  });
  router.delete('/sim/faults/:id', (req, res) => {
    if (!ctx.faults.remove(req.params.id)) fail('notFound', { kind: 'Fault', id: req.params.id });
    res.status(204).end();
  });

  router.get('/sim/latency', (_req, res) => {
    res.json(ctx.latency.settings());
  });
  router.put('/sim/latency', (req, res) => {
    res.json(ctx.latency.update(parseBody(latencyInput, req.body)));
  });

  router.get('/sim/time', (_req, res) => {
    res.json({ now: ctx.clock.iso(), pendingSleeps: ctx.clock.pendingSleeps });
  });
  router.post('/sim/time/advance', (req, res) => {
    const { ms } = parseBody(advanceInput, req.body);
    res.json({ now: ctx.clock.iso(ctx.clock.advance(ms)) });
  });

  router.post('/sim/tasks', (req, res) => {
    const input = parseBody(testTaskInput, req.body);
    const world = ctx.store.world;
    const org = Object.values(world.orgs).find((candidate) => candidate.name === input.org);
    if (!org) fail('badRequest', { reason: `No org ${input.org}` });
    const user = Object.values(world.users).find(
      (candidate) =>
        candidate.orgId === org.id && (input.user === undefined || candidate.username === input.user),
    );
    if (!user) fail('badRequest', { reason: `No user ${input.user ?? ''} in ${org.name}` });
    if (input.latencyClass && !(input.latencyClass in ctx.latency.settings().durations)) {
      fail('badRequest', { reason: `Unknown operation class ${input.latencyClass}` });
    }
    const task = ctx.tasks.start({
      operation: `Simulated task ${input.operationName}`,
      operationName: input.operationName,
      owner: { id: org.id, name: org.name, type: 'application/vnd.vmware.vcloud.org+json' },
      org: { id: org.id, name: org.name },
      user: { id: user.id, name: user.username },
      latencyClass: input.latencyClass,
      work: async (running) => {
        running.progress(50, 'half way');
        await ctx.clock.sleep(ctx.latency.scaled(input.workMs), running.signal);
        if (input.outcome === 'error') fail('badRequest', { reason: 'The simulated task failed as asked.' });
        return (input.resultContent ?? undefined) as JsonValue | undefined;
      },
    });
    ctx.tasks.accepted(res, task);
  });

  router.post('/sim/reset', (_req, res) => {
    ctx.faults.clear();
    ctx.latency.reset(ctx.options.speed);
    ctx.store.replace(seedWorld(ctx.options.seed));
    ctx.events.emit('worldReplaced', undefined);
    res.status(204).end();
  });
  return router;
}
