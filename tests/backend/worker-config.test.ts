import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { configPaths, ConfigError, envNameFor, loadWorkerConfig } from '../../backend/config/load.ts';

describe('worker configuration', () => {
  it('has defaults for everything but secrets', async () => {
    const config = await loadWorkerConfig({ env: {} });
    assert.equal(config.http.port, 8081);
    assert.equal(config.vcd.url, 'http://127.0.0.1:8443');
    assert.equal(config.bus.transport, 'mqtt');
    assert.equal(config.vcd.apiToken, undefined);
    // Where Broadcom publishes the TKG 2.4–2.5 images (the audit of CAPVCD's templates).
    assert.equal(config.clusters.imageRegistry, 'projects.packages.broadcom.com/tkg');
  });

  it('derives environment variable names from key paths', () => {
    assert.equal(envNameFor('vcd.apiToken'), 'CSE_VCD_API_TOKEN');
    assert.equal(envNameFor('shutdownTimeoutMs'), 'CSE_SHUTDOWN_TIMEOUT_MS');
    assert.ok(configPaths().includes('bus.amqpUrl'));
  });

  it('reads a YAML file and lets the environment override it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cse-config-'));
    const file = join(dir, 'worker.yaml');
    await writeFile(file, 'http:\n  port: 9100\nlog:\n  level: debug\n');
    const config = await loadWorkerConfig({ file, env: { CSE_HTTP_PORT: '9200', CSE_LOG_PRETTY: 'yes' } });
    assert.equal(config.http.port, 9200);
    assert.equal(config.log.level, 'debug');
    assert.equal(config.log.pretty, true);
  });

  it('names the key, the variable, the expected form and the value on a wrong value', async () => {
    await assert.rejects(loadWorkerConfig({ env: { CSE_HTTP_PORT: 'abc' } }), {
      name: 'ConfigError',
      message: 'invalid configuration: http.port (env CSE_HTTP_PORT) must be a port number, got "abc"',
    });
    await assert.rejects(
      loadWorkerConfig({ env: { CSE_BUS_TRANSPORT: 'kafka' } }),
      /bus\.transport \(env CSE_BUS_TRANSPORT\) must be one of mqtt, amqp, got "kafka"/,
    );
  });

  it('never echoes a secret value in an error', async () => {
    const error = await loadWorkerConfig({ overrides: { 'vcd.apiToken': 12345 }, env: {} }).catch(
      (e: unknown) => e,
    );
    assert.ok(error instanceof ConfigError);
    assert.match(error.message, /vcd\.apiToken/);
    assert.doesNotMatch(error.message, /12345/);
  });

  it('rejects unknown keys in the file, naming them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cse-config-'));
    const file = join(dir, 'worker.yaml');
    await writeFile(file, 'http:\n  prot: 9100\n');
    await assert.rejects(loadWorkerConfig({ file, env: {} }), /unknown configuration key in http: prot/);
  });

  it('explains a missing file and a file that is not YAML', async () => {
    await assert.rejects(
      loadWorkerConfig({ file: '/nonexistent/worker.yaml', env: {} }),
      /cannot read configuration file \/nonexistent\/worker\.yaml \(ENOENT\)/,
    );
    const dir = await mkdtemp(join(tmpdir(), 'cse-config-'));
    const file = join(dir, 'bad.yaml');
    await writeFile(file, 'http: [unclosed\n');
    await assert.rejects(loadWorkerConfig({ file, env: {} }), /is not valid YAML/);
  });
});
