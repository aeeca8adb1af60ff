/**
 * The helper's `fetch-addon` (Python 3, exactly as the cloud-init writes it) against a real HTTP server standing in
 * for the provider's mirror: the manifest lands in its file only when its sha256 is the configured one.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AddonSource } from '../../backend/addons/vcd-addons.ts';
import { extractCloudInit, renderBootstrapCloudInit } from '../../backend/bootstrap/cloud-init.ts';

const MANIFEST =
  'apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: antrea-agent\n  namespace: kube-system\n';
const python = spawnSync('python3', ['--version']);

describe(
  'the bootstrap helper fetch-addon',
  { skip: python.error && !process.env['CI'] ? 'python3 is not installed' : false },
  () => {
    let server: Server;
    let mirror = '';
    let dir = '';

    before(async () => {
      server = createServer((request, response) => {
        if (request.url === '/antrea/v1.15.1/antrea.yml') response.writeHead(200).end(MANIFEST);
        else response.writeHead(404).end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      mirror = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      dir = mkdtempSync(join(tmpdir(), 'cse-fetch-addon-'));
    });
    after(() => {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    });

    /** Installs the helper and settings for one add-on source; answers the helper's exit code, stderr and file. */
    async function fetchAddon(source: AddonSource): Promise<{ code: number; stderr: string; file: string }> {
      const { files, settings } = extractCloudInit(
        renderBootstrapCloudInit({
          clusterId: '0f9c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b',
          clusterName: 'demo',
          namespace: 'demo-ns',
          vcd: { url: mirror, org: 'tenant1' },
          capiYaml: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo-ns\n',
          apiToken: 'owner-refresh-token',
          reportSecret: 'c2VjcmV0LXRoYXQtb25seS10aGUtdm0ta25vd3M',
          addons: { sources: [source], orgVdc: 'vdc', network: 'net' },
        }),
      );
      const target = join(dir, `${source.sha256.slice(0, 8)}-antrea.yaml`);
      const settingsPath = join(dir, 'settings.json');
      writeFileSync(
        settingsPath,
        JSON.stringify({
          ...settings,
          addons: settings!.addons.map((addon) => ({ ...addon, file: target })),
        }),
      );
      const helperPath = join(dir, 'cse-bootstrap');
      writeFileSync(helperPath, files.get('/opt/cse/bin/cse-bootstrap')!.content);
      return new Promise((resolve) => {
        execFile(
          'python3',
          [helperPath, 'fetch-addon', 'antrea'],
          { env: { ...process.env, CSE_BOOTSTRAP_SETTINGS: settingsPath } },
          (error, _stdout, stderr) =>
            resolve({
              code: error ? ((error as { code?: number }).code ?? 1) : 0,
              stderr,
              file: existsSync(target) ? readFileSync(target, 'utf8') : '',
            }),
        );
      });
    }

    const url = () => `${mirror}/antrea/v1.15.1/antrea.yml`;
    const sha256 = createHash('sha256').update(MANIFEST).digest('hex');

    it('writes the manifest when its sha256 is the configured one', async () => {
      const result = await fetchAddon({ name: 'antrea', version: 'v1.15.1', url: url(), sha256 });
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.file, MANIFEST);
    });

    it('refuses a manifest with another sha256 and writes nothing', async () => {
      const result = await fetchAddon({
        name: 'antrea',
        version: 'v1.15.1',
        url: url(),
        sha256: 'f'.repeat(64),
      });
      assert.equal(result.code, 1);
      assert.match(
        result.stderr,
        new RegExp(`has sha256 ${sha256}, not the configured f{64}; refusing to apply it`),
      );
      assert.equal(result.file, '');
    });

    it('fails with the URL when the mirror does not have it', async () => {
      const result = await fetchAddon({
        name: 'antrea',
        version: 'v1.15.1',
        url: `${mirror}/antrea/v9.9.9/antrea.yml`,
        sha256: 'e'.repeat(64),
      });
      assert.equal(result.code, 1);
      assert.match(
        result.stderr,
        /cannot download the antrea manifest from http:\/\/127\.0\.0\.1:\d+\/antrea\/v9\.9\.9\/antrea\.yml: HTTP Error 404/,
      );
    });
  },
);
