import type { Command } from 'commander';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addonArtifacts } from '../../../sim/infra/artifacts/addons.ts';
import { contourArtifact } from '../../../sim/infra/artifacts/contour.ts';
import { seededLogins, seededPassword } from '../../../sim/world/logins.ts';
import { install } from '../../provider/install.ts';
import { writeSettingsFile } from '../../provider/worker-settings.ts';
import { VcdClient } from '../../vcd/client.ts';
import { createApiToken, loginWithPassword } from '../../vcd/tokens.ts';
import { exitWithError, onShutdownSignal } from '../process.ts';
import { parsePort } from './sim.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const cseBin = fileURLToPath(new URL('../../../bin/cse.js', import.meta.url));
const builtUi = ['dist/portal/browser/index.html', 'dist/plugin/plugin.zip'];

interface StartFlags {
  port: number;
  workerPort: number;
  speed: string;
  build: boolean;
  rebuild?: boolean;
}

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('run the whole product locally: simulator, worker and portal (what `npm start` runs)')
    .option('--port <port>', 'simulator and portal port', parsePort, 8443)
    .option('--worker-port <port>', 'worker health/metrics port', parsePort, 8081)
    .option('--speed <factor>', 'simulator speed factor', '1')
    .option('--no-build', 'do not build the UI even if it is missing')
    .option('--rebuild', 'rebuild the UI plugin and portal before starting')
    .action(async (flags: StartFlags) => {
      try {
        buildUiIfNeeded(flags);
        await runStack(flags);
      } catch (error) {
        exitWithError(error);
      }
    });
}

function buildUiIfNeeded(flags: StartFlags): void {
  const missing = builtUi.filter((file) => !existsSync(`${repoRoot}/${file}`));
  if (!flags.rebuild && (missing.length === 0 || !flags.build)) return;
  process.stdout.write('building the UI plugin and the portal (first start only; takes about a minute)…\n');
  const result = spawnSync('npm', ['run', 'build:ui'], { cwd: repoRoot, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('building the UI failed; see the output above');
}

/** The worker's `clusters.addons.*` for the simulator's mirrored CNI, CPI and CSI manifests. */
export function simulatorAddonEnvironment(simUrl: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(addonArtifacts(simUrl)).flatMap(([name, artifact]) => {
      const prefix = `CSE_CLUSTERS_ADDONS_${name.toUpperCase()}`;
      return [
        [`${prefix}_URL`, artifact.url],
        [`${prefix}_SHA256`, artifact.sha256],
        [`${prefix}_VERSION`, artifact.version],
      ];
    }),
  );
}

async function runStack(flags: StartFlags): Promise<void> {
  const simUrl = `http://127.0.0.1:${flags.port}`;
  const workerUrl = `http://127.0.0.1:${flags.workerPort}`;
  const children: ChildProcess[] = [];
  const stopAll = async () => {
    await Promise.all(children.map((child) => stopChild(child)));
  };
  onShutdownSignal(stopAll, 15_000);

  children.push(startChild('sim', ['sim', '--port', String(flags.port), '--speed', flags.speed], stopAll));
  await waitForHttp(`${simUrl}/api/versions`, 'simulator', children[0]!);
  const settingsFile = await installIntoSimulator(simUrl);
  children.push(
    startChild('worker', ['worker', '--port', String(flags.workerPort), '--config', settingsFile], stopAll, {
      CSE_VCD_URL: simUrl,
      // The simulated world has no internet: Contour comes from the simulator's artifact mirror.
      CSE_CLUSTERS_CONTOUR_URL: contourArtifact(simUrl).url,
      CSE_CLUSTERS_CONTOUR_SHA256: contourArtifact(simUrl).sha256,
      ...simulatorAddonEnvironment(simUrl),
    }),
  );
  await waitForHttp(`${workerUrl}/readyz`, 'worker', children[1]!);

  const lines = [
    '',
    'CSE is running.',
    `  Provider portal:   ${simUrl}/provider`,
    ...[...new Set(seededLogins.filter((l) => l.org !== 'System').map((l) => l.org))].map(
      (org) => `  Tenant portal:     ${simUrl}/tenant/${org}`,
    ),
    `  VCD API:           ${simUrl}/api/versions`,
    `  CSE API:           ${simUrl}/api/cse/v1/about (through the simulator, over its MQTT bus)`,
    `  Worker health:     ${workerUrl}/healthz  ${workerUrl}/readyz  ${workerUrl}/metrics`,
    '',
    'Logins (user@org / password):',
    ...seededLogins.map((l) => `  ${`${l.user}@${l.org}`.padEnd(24)} ${l.password.padEnd(10)} ${l.role}`),
    '',
    'Press Ctrl+C to stop.',
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

/**
 * Installs CSE into the fresh simulator as a provider would (MQTT transport, the embedded broker) and writes the
 * worker settings it produced to a private temporary file for the worker to start with.
 */
async function installIntoSimulator(simUrl: string): Promise<string> {
  const session = await loginWithPassword(simUrl, 'administrator', 'System', seededPassword, '37.2');
  const { refreshToken } = await createApiToken(simUrl, 'System', session, 'cse-start-installer');
  const vcd = new VcdClient({ url: simUrl, org: 'System', apiToken: refreshToken });
  process.stdout.write('installing CSE into the simulator…\n');
  const { settings } = await install({
    vcd,
    transport: 'mqtt',
    print: (line) => process.stdout.write(`${line}\n`),
  });
  const file = join(mkdtempSync(join(tmpdir(), 'cse-start-')), 'worker.yaml');
  await writeSettingsFile(file, settings);
  return file;
}

function startChild(
  name: string,
  args: string[],
  onUnexpectedExit: () => Promise<void>,
  env: Record<string, string> = {},
): ChildProcess {
  const child = spawn(process.execPath, [cseBin, ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    // The IPC channel lets the child notice when `cse start` is gone, even after a SIGKILL.
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  child.once('exit', (code, signal) => {
    if (child.killed) return;
    process.stderr.write(`cse: the ${name} exited (${signal ?? `code ${code}`}); stopping everything\n`);
    void onUnexpectedExit().then(() => process.exit(1));
  });
  return child;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

async function waitForHttp(
  url: string,
  what: string,
  child: ChildProcess,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the ${what} did not start; see its output above`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the ${what} did not answer ${url} within ${timeoutMs / 1000} s`);
}
