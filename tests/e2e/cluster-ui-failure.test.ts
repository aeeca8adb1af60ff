import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser.ts';
import { VcdClient } from '../helpers/vcd.ts';
import { mintApiToken, openClusters, screenshotDir, startUiStack, type UiStack } from './ui-stack.ts';

/** A bootstrap that fails shows why on the detail page, what to do, a retry, and a force delete that names it. */
describe("a failed cluster's timeline in the UI plugin", () => {
  let stack: UiStack;
  let browser: Browser;
  let page: Page;

  before(async () => {
    stack = await startUiStack();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 1400 } });
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('shows the failed phase with its reason, what to do, and a retry', { timeout: 90_000 }, async () => {
    await stack.admin.setFaults([
      {
        operationClass: 'bootstrap:kind-ready',
        error: {
          status: 500,
          minorErrorCode: 'INTERNAL_SERVER_ERROR',
          message: 'kind could not pull its node image',
        },
        remaining: 1,
      },
    ]);
    const author = await VcdClient.login(stack.sim.url, 'acme-author', 'acme');
    const templates = await author.get<{ values: { name: string }[] }>('/api/cse/v1/templates', {
      accept: 'application/json',
    });
    const template = templates.body.values.find((candidate) => candidate.name.includes('v1.28.11'))!.name;
    const created = await author.post<{ id: string }>(
      '/api/cse/v1/clusters',
      {
        name: 'broken',
        orgVdc: 'acme-vdc',
        network: 'acme-k8s-net',
        template,
        controlPlane: { count: 1, diskGiB: 20 },
        workerPools: [{ name: 'workers', count: 1, diskGiB: 20 }],
        apiToken: await mintApiToken(stack.sim.url, 'acme-author', 'acme', 'cse-cluster-broken'),
      },
      { accept: 'application/json' },
    );
    assert.equal(created.status, 202, created.text);

    await openClusters(page, stack.sim.url, 'acme', 'acme-author');
    await page.locator('.cse-cluster-link', { hasText: 'broken' }).click();
    await page
      .locator('cse-cluster-detail .cse-phase[data-phase="Failed"]')
      .first()
      .waitFor({ timeout: 80_000 });
    const failure = page.locator('.cse-event-warning').last();
    assert.match(await failure.innerText(), /kind/);
    assert.match(await failure.locator('.cse-event-advice').innerText(), /What to do/);
    assert.ok(await page.locator('.cse-retry-cluster').isVisible());
    assert.ok(await page.locator('.cse-download').isDisabled(), 'no kubeconfig before Ready');
    await page.screenshot({ path: `${screenshotDir}cluster-detail-failed.png` });
  });

  it('force deletes the failed cluster after a confirmation naming it', { timeout: 90_000 }, async () => {
    await page.locator('.cse-force-delete').click();
    assert.equal(await page.locator('.modal-title').innerText(), 'Force delete cluster "broken"?');
    await page.locator('.cse-confirm-delete').click();
    await page.locator('.cse-empty-state').waitFor({ timeout: 80_000 });
  });
});
