/**
 * Runs the bootstrap VM's helper (`cse-bootstrap`, Python 3) exactly as the cloud-init writes it, against a real HTTP
 * server standing in for VCD's token endpoint and the CSE report endpoint.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  bootstrapPaths,
  extractCloudInit,
  renderBootstrapCloudInit,
  type BootstrapInput,
  type BootstrapSettings,
} from '../../backend/bootstrap/cloud-init.ts';
import type { BootstrapReport } from '../../backend/bootstrap/phases.ts';

const CLUSTER_ID = '0f9c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b';
const SECRET = 'c2VjcmV0LXRoYXQtb25seS10aGUtdm0ta25vd3M';
const API_TOKEN = 'owner-refresh-token';
const python = spawnSync('python3', ['--version']);

interface Received {
  authorization: string | undefined;
  secret: string | undefined;
  body: BootstrapReport;
}

describe(
  'the bootstrap helper',
  { skip: python.error && !process.env['CI'] ? 'python3 is not installed' : false },
  () => {
    let server: Server;
    let vcdUrl = '';
    let dir = '';
    let received: Received[] = [];
    let settingsPath = '';

    async function readBody(request: IncomingMessage): Promise<string> {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    }

    before(async () => {
      assert.ok(!python.error, 'python3 must be installed in CI');
      server = createServer((request, response) => {
        void (async () => {
          const body = await readBody(request);
          if (request.method === 'POST' && request.url === '/oauth/tenant/tenant1/token') {
            const form = new URLSearchParams(body);
            const ok = form.get('grant_type') === 'refresh_token' && form.get('refresh_token') === API_TOKEN;
            response.writeHead(ok ? 200 : 400, { 'content-type': 'application/json' });
            response.end(
              JSON.stringify(ok ? { access_token: 'access-1', token_type: 'Bearer', expires_in: 60 } : {}),
            );
            return;
          }
          if (request.method === 'POST' && request.url === `/api/cse/v1/clusters/${CLUSTER_ID}/bootstrap`) {
            const secret = request.headers['x-cse-bootstrap-secret'] as string | undefined;
            received.push({
              authorization: request.headers.authorization,
              secret,
              body: JSON.parse(body) as BootstrapReport,
            });
            response.writeHead(secret === SECRET ? 202 : 403, { 'content-type': 'application/json' });
            response.end('{}');
            return;
          }
          response.writeHead(404).end();
        })();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      vcdUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    after(() => {
      server.close();
    });

    /** Writes the cloud-init's files into a fresh temp dir, with the settings' paths pointing there. */
    function installVm(
      overrides: {
        reportSecret?: string;
        phaseTimeouts?: Record<string, number>;
        egress?: BootstrapInput['egress'];
      } = {},
    ): void {
      if (dir) rmSync(dir, { recursive: true, force: true });
      dir = mkdtempSync(join(tmpdir(), 'cse-bootstrap-vm-'));
      const text = renderBootstrapCloudInit({
        clusterId: CLUSTER_ID,
        clusterName: 'demo',
        namespace: 'demo-ns',
        vcd: { url: vcdUrl, org: 'tenant1' },
        capiYaml: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo-ns\n',
        apiToken: API_TOKEN,
        reportSecret: SECRET,
        phaseTimeouts: overrides.phaseTimeouts ?? {},
        egress: overrides.egress,
      });
      const { files, settings } = extractCloudInit(text);
      assert.ok(settings);
      const local = (path: string): string => join(dir, path.replaceAll('/', '_'));
      for (const [path, file] of files)
        writeFileSync(local(path), file.content, { mode: Number.parseInt(file.permissions, 8) });
      if (overrides.reportSecret) writeFileSync(local(bootstrapPaths.reportSecret), overrides.reportSecret);
      const moved: BootstrapSettings = {
        ...settings,
        files: Object.fromEntries(
          Object.entries(settings.files).map(([key, path]) => [key, local(path)]),
        ) as BootstrapSettings['files'],
      };
      settingsPath = join(dir, 'settings.json');
      writeFileSync(settingsPath, JSON.stringify(moved));
      received = [];
    }

    function helper(...args: string[]): Promise<number> {
      return new Promise((resolve) => {
        const env = { ...process.env, CSE_BOOTSTRAP_SETTINGS: settingsPath };
        execFile(
          'python3',
          [join(dir, bootstrapPaths.helper.replaceAll('/', '_')), ...args],
          { env },
          (error) => {
            resolve(error ? ((error as { code?: number }).code ?? 1) : 0);
          },
        );
      });
    }

    beforeEach(() => installVm());

    after(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('reports a phase with an access token from the owner API token and the one-time secret', async () => {
      assert.equal(await helper('report', 'vm-started'), 0);
      assert.deepEqual(received, [
        {
          authorization: 'Bearer access-1',
          secret: SECRET,
          body: { phase: 'vm-started', status: 'succeeded', message: '' },
        },
      ]);
    });

    it('sends the kubeconfig with kubeconfig-ready', async () => {
      const kubeconfig = join(dir, 'workload.kubeconfig');
      writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\n');
      assert.equal(await helper('report', 'kubeconfig-ready', '--kubeconfig', kubeconfig), 0);
      assert.equal(received[0]?.body.kubeconfig, 'apiVersion: v1\nkind: Config\n');
    });

    it('reports a failed command with the tail of its output, then runs and reports nothing more', async () => {
      assert.equal(
        await helper(
          'run',
          'kind-ready',
          '--',
          'sh',
          '-c',
          'echo pulling image; echo no space left >&2; exit 3',
        ),
        1,
      );
      assert.equal(received.length, 1);
      assert.equal(received[0]?.body.phase, 'kind-ready');
      assert.equal(received[0]?.body.status, 'failed');
      assert.match(received[0]?.body.message ?? '', /^sh exited with 3: pulling image\nno space left\n$/);
      assert.equal(await helper('run', 'capi-initialised', '--', 'true'), 1);
      assert.equal(await helper('report', 'kind-ready'), 1);
      assert.equal(received.length, 1);
    });

    it('fails a phase that runs past its time limit', async () => {
      installVm({ phaseTimeouts: { 'kind-ready': 1 } });
      const started = Date.now();
      assert.equal(await helper('run', 'kind-ready', '--', 'sleep', '20'), 1);
      assert.ok(Date.now() - started < 10_000);
      assert.equal(received[0]?.body.status, 'failed');
      assert.match(
        received[0]?.body.message ?? '',
        /did not finish within the kind-ready phase's time limit/,
      );
    });

    it('runs a command that succeeds without reporting anything', async () => {
      assert.equal(await helper('run', 'tools-installed', '--', 'true'), 0);
      assert.deepEqual(received, []);
    });

    it("runs commands and reports with the provider's proxy, bypassing it for VCD on loopback", async () => {
      installVm({
        egress: { proxy: { httpsProxy: 'http://proxy.example.com:3128', noProxy: ['.corp.example.com'] } },
      });
      const out = join(dir, 'proxy-env');
      assert.equal(
        await helper(
          'run',
          'tools-installed',
          '--',
          'sh',
          '-c',
          `printenv HTTPS_PROXY https_proxy NO_PROXY > ${out}`,
        ),
        0,
      );
      const [upper, lower, noProxy] = readFileSync(out, 'utf8').trim().split('\n');
      assert.equal(upper, 'http://proxy.example.com:3128');
      assert.equal(lower, 'http://proxy.example.com:3128');
      assert.match(noProxy ?? '', /(^|,)127\.0\.0\.1(,|$)/);
      assert.match(noProxy ?? '', /(^|,)\.corp\.example\.com(,|$)/);
      assert.equal(await helper('report', 'vm-started'), 0);
      assert.equal(received.length, 1, 'the report reached VCD directly');
    });

    it('gives up at once when CSE refuses the secret', async () => {
      installVm({ reportSecret: 'd3Jvbmctc2VjcmV0LWZyb20tYW5vdGhlci12bQ' });
      assert.equal(await helper('report', 'vm-started'), 1);
      assert.equal(received.length, 1);
    });
  },
);
