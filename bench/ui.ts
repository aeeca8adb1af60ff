/**
 * `npm run bench:ui`: the UI plugin's cost, against an empty plugin module built the same way in the same run.
 *
 * 1. Size: both are built with `@vcd/plugin-builders` (project `plugin` of angular.json, the baseline with another
 *    `modulePath`); the gzipped `bundle.js` of each. Budget: ours ≤ 250 KB.
 * 2. Time to an interactive wizard: both zips are uploaded to a simulator serving the portal; headless Chromium
 *    (logged in beforehand) navigates to the wizard's URL, and to the empty page, until the first input can take
 *    typing. The median of several runs of each. Budget: ours < 1 s.
 *
 * Writes the numbers to stdout (and `--json`), exits 1 when a budget is missed.
 */
import AdmZip from 'adm-zip';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { InstallReport } from '../backend/provider/report.ts';
import { installUiPlugin } from '../backend/provider/ui-plugin.ts';
import { VcdClient } from '../backend/vcd/client.ts';
import { createApiToken, loginWithPassword } from '../backend/vcd/tokens.ts';
import { startSimulator } from '../sim/server.ts';
import { seededPassword } from '../sim/world/logins.ts';
import { launchChromium } from '../tests/helpers/browser.ts';

const { values: flags } = parseArgs({
  options: { runs: { type: 'string', default: '7' }, json: { type: 'boolean', default: false } },
});
const runs = Number(flags.runs);
const root = fileURLToPath(new URL('../', import.meta.url));
const out = (name: string) => `${root}dist/bench-ui/${name}`;
const budget = { gzipBytes: 250 * 1024, interactiveMs: 1000 };

/** `ng build plugin` with a configuration of angular.json (`bench`: ours, `bench-empty`: the baseline). */
function build(name: string, configuration: string): void {
  const result = spawnSync('npx', ['ng', 'build', 'plugin', `--configuration=${configuration}`], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (result.status !== 0) throw new Error(`building the ${name} plugin failed`);
}

/** The baseline zip carries its own manifest: another urn, name, route and module, so both can be installed. */
function rewriteEmptyManifest(): void {
  const zipPath = `${out('empty')}/plugin.zip`;
  const zip = new AdmZip(zipPath);
  const manifest = JSON.parse(zip.readAsText('manifest.json')) as Record<string, unknown>;
  Object.assign(manifest, {
    urn: 'vmware:vcloud:plugin:cse-oss:bench-empty',
    name: 'Bench empty plugin',
    route: 'bench-empty',
    extensionPoints: [
      {
        urn: 'vmware:vcloud:plugin:cse-oss:bench-empty:nav',
        type: 'navigation:primary',
        name: 'Empty',
        description: 'Empty',
        module: 'EmptyPluginModule',
        route: 'bench-empty',
      },
    ],
  });
  zip.updateFile('manifest.json', Buffer.from(JSON.stringify(manifest)));
  zip.writeZip(zipPath);
}

const gzipped = (name: string) => gzipSync(readFileSync(`${out(name)}/bundle.js`), { level: 9 }).length;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  process.stdout.write('building the plugin and the empty baseline…\n');
  build('plugin', 'bench');
  build('empty', 'bench-empty');
  rewriteEmptyManifest();
  const size = { plugin: gzipped('plugin'), empty: gzipped('empty') };

  const sim = await startSimulator({
    host: '127.0.0.1',
    port: 0,
    speed: 100,
    seed: 1,
    admin: false,
    portalDir: `${root}dist/portal/browser`,
  });
  const browser = await launchChromium();
  try {
    const session = await loginWithPassword(sim.url, 'administrator', 'System', seededPassword, '37.2');
    const { refreshToken } = await createApiToken(sim.url, 'System', session, 'bench-ui');
    const vcd = new VcdClient({ url: sim.url, org: 'System', apiToken: refreshToken });
    await installUiPlugin(vcd, `${out('plugin')}/plugin.zip`, new InstallReport());
    await installUiPlugin(vcd, `${out('empty')}/plugin.zip`, new InstallReport());

    const page = await browser.newPage();
    await page.goto(`${sim.url}/tenant/acme`);
    await page.getByLabel('User name').fill('acme-author');
    await page.getByLabel('Password').fill(seededPassword);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.locator('.header-nav').waitFor();

    const interactive = async (path: string, input: string): Promise<number> => {
      await page.goto('about:blank');
      const start = Date.now();
      await page.goto(`${sim.url}/tenant/acme/plugins/${path}`);
      await page.locator(input).waitFor({ state: 'visible' });
      await page.locator(input).fill('bench');
      return Date.now() - start;
    };
    const times = { plugin: [] as number[], empty: [] as number[] };
    await interactive('kubernetes/new', '#cse-f-name'); // warm the browser's caches alike for both
    await interactive('bench-empty', '#cse-empty-input');
    for (let i = 0; i < runs; i++) {
      times.plugin.push(await interactive('kubernetes/new', '#cse-f-name'));
      times.empty.push(await interactive('bench-empty', '#cse-empty-input'));
    }
    const result = {
      bundleGzipBytes: size,
      interactiveMs: { plugin: median(times.plugin), empty: median(times.empty), runs },
      budget,
    };
    const ok = size.plugin <= budget.gzipBytes && result.interactiveMs.plugin < budget.interactiveMs;
    process.stdout.write(
      [
        `bundle.js gzipped: plugin ${(size.plugin / 1024).toFixed(1)} KB, empty ${(size.empty / 1024).toFixed(1)} KB ` +
          `(budget ≤ 250 KB)`,
        `navigation → interactive wizard: plugin ${result.interactiveMs.plugin} ms, empty page ` +
          `${result.interactiveMs.empty} ms, difference ${result.interactiveMs.plugin - result.interactiveMs.empty} ms ` +
          `(median of ${runs}; budget < 1000 ms)`,
        ok ? 'within budget' : 'OVER BUDGET',
        '',
      ].join('\n'),
    );
    if (flags.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    if (!ok) process.exitCode = 1;
  } finally {
    await browser.close();
    await sim.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:ui failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
