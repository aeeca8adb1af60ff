/**
 * Child-process entry: the worker as `cse worker --config FILE` runs it (settings file from `cse install`, `CSE_*`
 * environment variables over it, operator defaults for everything else). Sends `{ready: true}` to the parent once
 * its bus transport is connected. Options come as JSON in `CSE_BENCH_WORKER`.
 */
import { loadWorkerConfig } from '../../backend/config/load.ts';
import { startWorker } from '../../backend/main.ts';
import { serveParent } from './child-process.ts';

export interface WorkerChildOptions {
  /** The worker settings file `cse install` wrote. */
  configFile: string;
}

const options = JSON.parse(process.env['CSE_BENCH_WORKER'] ?? '{}') as WorkerChildOptions;
const config = await loadWorkerConfig({ file: options.configFile });
const worker = await startWorker(config);
serveParent(() => worker.stop('benchmark over'));
const deadline = Date.now() + 30_000;
while (!worker.transport?.status().ready) {
  if (Date.now() > deadline) throw new Error('the worker did not connect to the bus within 30 s');
  await new Promise((resolve) => setTimeout(resolve, 25));
}
process.send!({ ready: true });
