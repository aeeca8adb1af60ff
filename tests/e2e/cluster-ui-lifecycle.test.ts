import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser.ts';
import { VcdClient } from '../helpers/vcd.ts';
import { openClusters, screenshotDir, startUiStack, type UiStack } from './ui-stack.ts';

/**
 * A tenant's whole journey in the browser, against the real stack: log in to the portal, create a cluster with the
 * wizard, watch it become Ready, download its kubeconfig, delete it; another tenant never sees it. Screenshots of
 * the pages go to docs/screenshots/ (the README shows them).
 */
describe('a tenant creates, uses and deletes a cluster through the UI plugin', () => {
  let stack: UiStack;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  const shot = (name: string) => page.screenshot({ path: `${screenshotDir}${name}.png`, fullPage: false });

  before(async () => {
    stack = await startUiStack();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
    page.on('pageerror', (error) => errors.push(error.message));
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('shows the empty cluster list with a way into the wizard', async () => {
    await openClusters(page, stack.sim.url, 'acme', 'acme-author');
    await page.locator('.cse-empty-state').waitFor();
    await shot('cluster-list-empty');
    assert.deepEqual(errors, []);
  });

  it('walks the wizard with the options VCD offers and submits the spec with a fresh API token', async () => {
    await page.locator('.cse-empty-create').click();
    const wizard = page.locator('clr-wizard');
    const next = () =>
      wizard.locator('clr-wizard-button[type="next"]:not([aria-hidden="true"]) button').click();
    const title = () => wizard.locator('.clr-wizard-stepnav-item.active').innerText();

    await page.getByRole('textbox', { name: 'Cluster name' }).fill('web');
    await page.getByRole('combobox', { name: 'Organization VDC' }).selectOption('acme-vdc');
    await shot('wizard-1-general');
    await next();
    assert.match(await title(), /Kubernetes template/);
    await wizard.locator('label', { hasText: 'v1.28.11' }).first().click();
    await shot('wizard-2-template');
    await next();
    await page.getByRole('combobox', { name: 'Sizing policy' }).selectOption('TKG small');
    await shot('wizard-3-control-plane');
    await next();
    await page.getByRole('spinbutton', { name: 'Nodes' }).fill('2');
    await shot('wizard-4-worker-pools');
    await next();
    // A network without a load balancer is refused on the page, with the API's words.
    await page.getByRole('combobox', { name: 'Org VDC network' }).selectOption('acme-plain-net');
    await next();
    assert.match(await wizard.locator('.cse-field-error').first().innerText(), /NSX Advanced Load Balancer/);
    await page.getByRole('combobox', { name: 'Org VDC network' }).selectOption('acme-k8s-net');
    await shot('wizard-5-network');
    await next();
    await shot('wizard-6-ingress');
    await next();
    assert.match(await title(), /Review/);
    const review = JSON.parse(await wizard.locator('.cse-review-json').innerText()) as Record<
      string,
      unknown
    >;
    assert.equal(review['apiToken'], '********');
    assert.equal(review['network'], 'acme-k8s-net');
    await shot('wizard-7-review');
    await wizard.locator('clr-wizard-button[type="finish"] button').click();
    await page.locator('cse-cluster-detail .cse-page-title', { hasText: 'web' }).waitFor();

    const author = await VcdClient.login(stack.sim.url, 'acme-author', 'acme');
    const tokens = await author.get<{ values: { name: string }[] }>('/cloudapi/1.0.0/tokens');
    assert.ok(
      tokens.body.values.some((token) => token.name === 'cse-cluster-web'),
      'an API token named after it',
    );
  });

  it('follows the cluster on its detail page until it is Ready', { timeout: 120_000 }, async () => {
    await page
      .locator('cse-cluster-detail .cse-phase[data-phase="Ready"]')
      .first()
      .waitFor({ timeout: 110_000 });
    assert.match(await page.locator('.cse-cp-endpoint').innerText(), /^https:\/\/[\d.]+:6443$/);
    assert.ok((await page.locator('.cse-event').count()) > 0, 'the timeline shows the bootstrap events');
    await shot('cluster-detail-ready');
  });

  it('lists each node of the Ready cluster with its role, pool, address, version and VM', async () => {
    const rows = page.locator('.cse-node-table tbody tr');
    await rows.first().waitFor();
    const cells: string[][] = [];
    for (const row of await rows.all())
      cells.push((await row.locator('td').allInnerTexts()).map((text) => text.trim()));
    assert.deepEqual(
      cells.map(([, role, pool, , ready, version]) => [role, pool, ready, version]),
      [
        ['Control plane', 'control-plane', 'Ready', 'v1.28.11+vmware.2'],
        ['Worker', 'workers', 'Ready', 'v1.28.11+vmware.2'],
        ['Worker', 'workers', 'Ready', 'v1.28.11+vmware.2'],
      ],
    );
    for (const [name, , , ip, , , vm] of cells) {
      assert.match(name!, /^web-/);
      assert.match(ip!, /^\d+\.\d+\.\d+\.\d+$/);
      assert.match(vm!, /^urn:vcloud:vm:[0-9a-f-]{36}$/);
    }
    await page.locator('.cse-nodes').screenshot({ path: `${screenshotDir}cluster-detail-nodes.png` });
  });

  it('downloads the kubeconfig of the Ready cluster', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('.cse-download').click(),
    ]);
    assert.equal(download.suggestedFilename(), 'web-kubeconfig.yaml');
    const kubeconfig = await readFile((await download.path())!, 'utf8');
    // The simulator's Kubernetes API listens on a local port, not on the VIP (sim/README.md), so only the shape is
    // checked here; tests/backend runs kubectl against it.
    assert.match(kubeconfig, /kind: Config/);
    assert.match(kubeconfig, /server: https?:\/\//);
  });

  it('lists the Ready cluster with its endpoints and nodes', async () => {
    await page.locator('.cse-breadcrumb a').click();
    const row = page.locator('.cse-cluster-row[data-cluster="web"]');
    await row.waitFor();
    assert.match(await row.innerText(), /Ready[\s\S]*3\/3[\s\S]*acme-vdc[\s\S]*acme-author/);
    await shot('cluster-list');
  });

  it('warns a user without "API Tokens: Manage" in the wizard, from what VCD says of the session', async () => {
    const viewer = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await openClusters(viewer, stack.sim.url, 'acme', 'acme-viewer');
    await viewer.locator('.cse-new-cluster').click();
    const warning = viewer.locator('clr-wizard .cse-token-right.alert-warning');
    await warning.waitFor();
    assert.match(await warning.innerText(), /API Tokens: Manage/);
    await viewer.close();
  });

  it('does not show the cluster to another tenant', async () => {
    const other = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await openClusters(other, stack.sim.url, 'globex', 'globex-author');
    await other.locator('.cse-empty-state').waitFor();
    assert.equal(await other.locator('.cse-cluster-row').count(), 0);
    await other.close();
  });

  it('deletes the cluster after a confirmation that names it', { timeout: 90_000 }, async () => {
    await page.locator('.cse-cluster-link', { hasText: 'web' }).click();
    await page.locator('.cse-delete').click();
    assert.equal(await page.locator('.modal-title').innerText(), 'Delete cluster "web"?');
    await page.locator('.cse-confirm-delete').click();
    await page.locator('cse-cluster-list .cse-page-title').waitFor();
    await page.locator('.cse-empty-state').waitFor({ timeout: 80_000 });
    assert.deepEqual(errors, []);
  });
});
