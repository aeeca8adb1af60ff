/**
 * The whole product for browser tests, as `npm start` runs it but in this process and on free ports: the simulator
 * (serving the built portal), `cse install` (which uploads and publishes dist/plugin/plugin.zip), and a worker on the
 * embedded MQTT bus. The simulator's admin endpoints stay on, so tests can inject faults.
 */
import { fileURLToPath } from 'node:url';
import { workerConfigSchema } from '../../backend/config/schema.ts';
import { startWorker, type RunningWorker } from '../../backend/main.ts';
import { install } from '../../backend/provider/install.ts';
import { addonArtifacts } from '../../sim/infra/artifacts/addons.ts';
import { contourArtifact } from '../../sim/infra/artifacts/contour.ts';
import { seededPassword } from '../../sim/world/logins.ts';
import { capturedLogger } from '../backend/bus-fake-vcd.ts';
import { mintApiToken, startProviderStack, type ProviderStack } from '../backend/install-stack.ts';
import type { Page } from 'playwright-core';
import { SimAdmin } from '../helpers/vcd.ts';

export const portalDir = fileURLToPath(new URL('../../dist/portal/browser', import.meta.url));
export const screenshotDir = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));

export interface UiStack extends ProviderStack {
  admin: SimAdmin;
  worker: RunningWorker;
}

export async function startUiStack(speed = 100): Promise<UiStack> {
  const stack = await startProviderStack({ speed, portalDir });
  const { settings } = await install({ vcd: stack.vcd, transport: 'mqtt' });
  const contour = contourArtifact(stack.sim.url);
  const config = workerConfigSchema.parse({
    http: { port: 0 },
    shutdownTimeoutMs: 3000,
    vcd: { url: stack.sim.url, org: 'System', apiToken: settings.vcd.apiToken },
    bus: { transport: 'mqtt', mqtt: { ...settings.bus.mqtt, reconnectMs: 100 } },
    clusters: {
      leaseMs: 4000,
      resyncMs: 2000,
      contour: { url: contour.url, sha256: contour.sha256, readyTimeoutMs: 30_000 },
      addons: addonArtifacts(stack.sim.url),
    },
  });
  const admin = new SimAdmin(stack.sim.url);
  // A person reads a page for longer than a fast simulator's idle timeout; keep sessions and replies human-sized.
  await admin.latency({
    durations: { apiExtensionReply: 30_000 * speed, sessionIdleTimeout: 3_600_000 * speed },
  });
  const worker = await startWorker(config, silentLogger());
  for (let i = 0; i < 200 && !worker.transport?.status().ready; i++) await sleep(25);
  return {
    ...stack,
    admin,
    worker,
    close: async () => {
      await worker.stop('test over');
      await stack.close();
    },
  };
}

/** The worker's log stays out of the test report unless CSE_TEST_LOGS is set. */
function silentLogger() {
  return process.env['CSE_TEST_LOGS'] ? undefined : capturedLogger().logger;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Logs a seeded user in through the portal's login page and opens the Kubernetes Clusters page. */
export async function openClusters(page: Page, url: string, org: string, user: string): Promise<void> {
  await page.goto(`${url}/tenant/${org}`);
  await page.getByLabel('User name').fill(user);
  await page.getByLabel('Password').fill(seededPassword);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.locator('.header-nav').getByRole('link', { name: 'Kubernetes Clusters' }).click();
  await page.locator('cse-cluster-list .cse-page-title').waitFor();
}

export { mintApiToken };
