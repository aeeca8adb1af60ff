import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { seededPassword } from '../../sim/world/logins.ts';
import { launchChromium } from '../helpers/browser.ts';
import { VcdClient } from '../helpers/vcd.ts';
import { mintApiToken, openClusters, screenshotDir, startUiStack, type UiStack } from './ui-stack.ts';

interface Template {
  id: string;
  name: string;
  kubernetesVersion: string;
}

const json = { accept: 'application/json' };

/**
 * The provider's side in the browser, against the real stack: the provider logs in to the provider portal, publishes
 * our rights bundle and roles to `globex` and a template that was only `acme`'s, looks at the settings and saves them,
 * and lists the clusters of every organisation; a `globex` user then finds the template in the create wizard.
 * Screenshots of the four pages go to docs/screenshots/ (the README and the provider guide show them).
 */
describe('a provider prepares a tenant through the provider pages', () => {
  let stack: UiStack;
  let browser: Browser;
  let page: Page;
  let provider: VcdClient;
  let newest: Template;
  const errors: string[] = [];
  const shot = (name: string) => page.screenshot({ path: `${screenshotDir}${name}.png`, fullPage: false });
  const tab = (name: string) => page.locator('.cse-provider-nav').getByRole('link', { name }).click();

  /** Creates a cluster through the API as the org's author (the Clusters page then has something to list). */
  const createCluster = async (org: string, name: string, template: string) => {
    const author = await VcdClient.login(stack.sim.url, `${org}-author`, org);
    const created = await author.post(
      '/api/cse/v1/clusters',
      {
        name,
        orgVdc: `${org}-vdc`,
        network: `${org}-k8s-net`,
        template,
        controlPlane: { count: 1, diskGiB: 20 },
        workerPools: [{ name: 'workers', count: 1, diskGiB: 20 }],
        apiToken: await mintApiToken(stack.sim.url, `${org}-author`, org, `cse-cluster-${name}`),
      },
      json,
    );
    assert.equal(created.status, 202, created.text);
  };

  before(async () => {
    stack = await startUiStack();
    provider = await VcdClient.provider(stack.sim.url);
    // The starting point: globex has neither our roles nor the newest template, which acme has.
    const templates = await provider.get<{ values: Template[] }>('/api/cse/v1/provider/templates', json);
    newest = templates.body.values.find((template) => template.kubernetesVersion.startsWith('v1.29.6'))!;
    const onlyAcme = await provider.put(
      `/api/cse/v1/provider/templates/${encodeURIComponent(newest.id)}`,
      { orgs: ['acme'] },
      json,
    );
    assert.equal(onlyAcme.status, 200, onlyAcme.text);
    const unpublished = await provider.post('/api/cse/v1/provider/tenants/globex/unpublish', undefined, json);
    assert.equal(unpublished.status, 200, unpublished.text);
    await createCluster('acme', 'web', newest.name);

    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('pageerror', (error) => errors.push(error.message));
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('logs in to the provider portal and opens on Tenants, showing what globex lacks', async () => {
    await page.goto(`${stack.sim.url}/provider`);
    await page.getByLabel('User name').fill('administrator');
    await page.getByLabel('Password').fill(seededPassword);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.locator('.header-nav').getByRole('link', { name: 'Kubernetes Clusters' }).click();
    const globex = page.locator('.cse-tenant-row[data-org="globex"]');
    await globex.waitFor();
    assert.equal(await globex.locator('.cse-tenant-published').innerText(), 'Not published');
    assert.match(
      await globex.locator('.cse-check[data-check="rightsBundle"]').innerText(),
      /Rights bundle: .*not published to globex/,
    );
    assert.equal(await globex.locator('.cse-check[data-check="network"]').getAttribute('data-ok'), 'true');
    assert.match(
      await page.locator('.cse-tenant-row[data-org="acme"] .cse-tenant-ready').innerText(),
      /^\s*Ready/,
    );
    await shot('provider-tenants');
  });

  it('publishes the rights bundle and both roles to globex after a confirmation naming it', async () => {
    await page.getByRole('button', { name: 'Publish to globex' }).click();
    assert.equal(await page.locator('.modal-title').innerText(), 'Publish to "globex"?');
    await page.locator('.cse-confirm-action').click();
    const globex = page.locator('.cse-tenant-row[data-org="globex"]');
    await globex.locator('.cse-tenant-published[data-published="true"]').waitFor();
    assert.match(await globex.locator('.cse-tenant-ready').innerText(), /^\s*Ready \(7 of 7/);
    const readiness = await provider.get<{ published: boolean }>('/api/cse/v1/provider/tenants/globex', json);
    assert.equal(readiness.body.published, true);
  });

  it('publishes the v1.29.6 template to globex too, refusing a past expiry date on the way', async () => {
    await tab('Templates');
    const row = page.locator(`.cse-template-row[data-template="${newest.name}"]`);
    await row.waitFor();
    // Published to acme only, yet its catalog is shared with every org: the page says who else sees it in VCD.
    assert.match(
      await row.locator('.cse-template-orgs').innerText(),
      /^acme\s+Also seen by globex in Cloud Director's catalog view/,
    );
    await page.getByRole('button', { name: `Edit ${newest.name}` }).click();
    await page.getByLabel('Expiry date (optional)').fill('2020-01-31');
    assert.equal(
      await page.locator('#cse-template-expiry-error').innerText(),
      'expiresAt 2020-01-31T00:00:00.000Z is in the past; give a future date, or set lifecycle to expired',
    );
    await page.getByLabel('Expiry date (optional)').fill('');
    // Clarity draws the checkbox on its label, as a person sees it: click the label.
    await page.locator('.cse-org-choices label', { hasText: /^globex$/ }).click();
    assert.ok(await page.getByLabel('globex', { exact: true }).isChecked());
    await shot('provider-templates');
    await page.locator('.cse-edit-save').click();
    await page.locator('.modal-title').waitFor({ state: 'detached' });
    assert.equal(await row.locator('.cse-template-orgs').innerText(), 'acme, globex');
  });

  it('shows the settings, checks a field on the page and saves them with the ETag they were read with', async () => {
    type Settings = { phaseTimeouts: Record<string, number>; components: Record<string, unknown> };
    const read = await provider.get<Settings>('/api/cse/v1/provider/settings', json);
    await tab('Settings');
    const sha = page.getByLabel('Manifest SHA-256', { exact: true });
    await sha.waitFor();
    const original = await sha.inputValue();
    await sha.fill('not-a-hash');
    await sha.blur();
    assert.equal(
      await page.locator('#cse-settings-components-contour-sha256-error').innerText(),
      'Give 64 lower-case hexadecimal digits.',
    );
    await sha.fill(original);
    await page.getByLabel('Done (optional)', { exact: true }).fill('1200');
    // The portal scrolls inside its content area: a tall window shows the form from its top.
    await page.setViewportSize({ width: 1440, height: 2000 });
    await page.locator('.content-area').evaluate((area) => area.scrollTo(0, 0));
    await shot('provider-settings');
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.locator('.cse-saved').waitFor();
    const saved = await provider.get<Settings>('/api/cse/v1/provider/settings', json);
    assert.equal(saved.headers.get('x-cse-settings-source'), 'entity');
    assert.equal(saved.body.phaseTimeouts['done'], 1200);
    // The add-on manifests (CNI, CPI, CSI) the worker configuration gave are saved too, not dropped.
    assert.ok(read.body.components['cni']);
    for (const addon of ['cni', 'cpi', 'csi'])
      assert.deepEqual(saved.body.components[addon], read.body.components[addon]);
  });

  it('lists the clusters of every organisation with their org, and filters by org', async () => {
    await createCluster('globex', 'api', newest.name);
    await tab('Clusters');
    await page.locator('.cse-cluster-row[data-cluster="api"]').waitFor();
    assert.equal(
      await page.locator('.cse-cluster-row[data-cluster="web"] .cse-cluster-org').innerText(),
      'acme',
    );
    assert.equal(
      await page.locator('.cse-cluster-row[data-cluster="api"] .cse-cluster-org').innerText(),
      'globex',
    );
    await shot('provider-clusters');
    await page.getByLabel('Organization', { exact: true }).selectOption('globex');
    await page.locator('.cse-cluster-row[data-cluster="web"]').waitFor({ state: 'detached' });
    assert.equal(await page.locator('.cse-cluster-row').count(), 1);
    assert.deepEqual(errors, []);
  });

  it('offers the newly published template to a globex user in the create wizard', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const tenant = await context.newPage();
    tenant.on('pageerror', (error) => errors.push(error.message));
    await openClusters(tenant, stack.sim.url, 'globex', 'globex-author');
    await tenant.locator('.cse-new-cluster').click();
    const wizard = tenant.locator('clr-wizard');
    await tenant.getByRole('textbox', { name: 'Cluster name' }).fill('from-provider');
    await tenant.getByRole('combobox', { name: 'Organization VDC' }).selectOption('globex-vdc');
    await wizard.locator('clr-wizard-button[type="next"]:not([aria-hidden="true"]) button').click();
    await wizard.locator('label', { hasText: 'v1.29.6' }).first().waitFor();
    await context.close();
    assert.deepEqual(errors, []);
  });
});
