import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { startSimulator, type RunningSimulator } from '../../sim/server.ts';
import { launchChromium } from '../helpers/browser.ts';

const portalDir = fileURLToPath(new URL('../../dist/portal/browser', import.meta.url));

describe('portal served by the simulator', () => {
  let sim: RunningSimulator;
  let browser: Browser;
  before(async () => {
    sim = await startSimulator({ host: '127.0.0.1', port: 0, speed: 100, seed: 1, admin: false, portalDir });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await sim?.close();
  });

  for (const [path, org] of [
    ['/tenant/acme', 'acme'],
    ['/provider', 'System'],
  ] as const) {
    it(`asks for a login to ${org} at ${path}`, async () => {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`${sim.url}${path}`);
      await page.getByRole('form', { name: 'Log in' }).waitFor();
      assert.equal(await page.locator('.hint').textContent(), `Organization: ${org}`);
      assert.ok(await page.getByLabel('User name').isVisible());
      assert.deepEqual(errors, []);
      await page.close();
    });
  }
});
