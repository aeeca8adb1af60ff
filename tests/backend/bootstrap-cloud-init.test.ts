import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import { defaultStorageClass, renderDefaultStorageClass } from '../../backend/addons/storage-class.ts';
import { bootstrapHelperScript } from '../../backend/bootstrap/helper-script.ts';
import {
  bootstrapPaths,
  buildBootstrapCloudConfig,
  CloudInitParseError,
  extractCloudInit,
  renderBootstrapCloudInit,
  type BootstrapInput,
} from '../../backend/bootstrap/cloud-init.ts';
import { RenderInputError } from '../../backend/bootstrap/input-checks.ts';
import { bootstrapPhaseNames } from '../../backend/bootstrap/phases.ts';

const CLUSTER_ID = 'urn:vcloud:entity:cseoss:k8scluster:0f9c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b';
const SECRET = 'Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWo';

function input(overrides: Partial<BootstrapInput> = {}): BootstrapInput {
  return {
    clusterId: CLUSTER_ID,
    clusterName: 'demo',
    namespace: 'demo-ns',
    vcd: { url: 'https://vcd.example.com', org: 'tenant1' },
    capiYaml: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo-ns\n',
    apiToken: 'owner-refresh-token',
    reportSecret: SECRET,
    addons: {
      sources: [
        {
          name: 'antrea',
          version: 'v1.15.1',
          url: 'https://mirror.example.com/antrea/v1.15.1/antrea.yml',
          sha256: 'a'.repeat(64),
        },
      ],
      orgVdc: 'tenant1-vdc',
      network: 'k8s-net',
    },
    ...overrides,
  };
}

/** What cloud-init 22.4 accepts in a write_files item (its schema sets additionalProperties: false). */
const WRITE_FILES_KEYS = new Set(['path', 'content', 'owner', 'permissions', 'encoding', 'append', 'defer']);

/** A runcmd argument that no shell would expand: no quotes, spaces, `$`, backticks, `;`, `|`, `&`, newlines. */
const INERT = /^[A-Za-z0-9_./:=@+,%-]+$/;
/** The one constant shell line (installs Docker when the template lacks it). */
const DOCKER_LINE =
  'command -v docker >/dev/null 2>&1 || (apt-get update -q && apt-get install -y -q docker.io)';

/** `cloud-init schema` on a document; undefined (test skipped) only outside CI when cloud-init is missing. */
function cloudInitSchema(
  t: TestContext,
  text: string,
): { status: number | null; output: string } | undefined {
  if (spawnSync('cloud-init', ['--version']).error) {
    assert.ok(!process.env['CI'], 'cloud-init must be installed in CI (.ci/run installs it)');
    t.skip('cloud-init is not installed here');
    return undefined;
  }
  const dir = mkdtempSync(join(tmpdir(), 'cse-cloud-init-'));
  try {
    const file = join(dir, 'user-data');
    writeFileSync(file, text);
    const result = spawnSync('cloud-init', ['schema', '-c', file], { encoding: 'utf8' });
    return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the bootstrap cloud-init', () => {
  const text = renderBootstrapCloudInit(input());

  it('is a #cloud-config YAML mapping', () => {
    assert.ok(text.startsWith('#cloud-config\n'));
    const config = parse(text) as Record<string, unknown>;
    assert.equal(typeof config, 'object');
    assert.deepEqual(Object.keys(config).sort(), ['runcmd', 'write_files']);
  });

  it('writes files with only the keys cloud-init allows, secrets readable by root alone', () => {
    const config = parse(text) as { write_files: Array<Record<string, unknown>> };
    for (const file of config.write_files) {
      for (const key of Object.keys(file)) assert.ok(WRITE_FILES_KEYS.has(key), `write_files key ${key}`);
      assert.match(String(file['permissions']), /^0[0-7]{3}$/);
      assert.equal(file['owner'], 'root:root');
    }
    const modes = Object.fromEntries(config.write_files.map((file) => [file['path'], file['permissions']]));
    assert.deepEqual(modes, {
      [bootstrapPaths.helper]: '0755',
      [bootstrapPaths.settings]: '0644',
      [bootstrapPaths.reportSecret]: '0600',
      [bootstrapPaths.apiToken]: '0600',
      [bootstrapPaths.capiYaml]: '0600',
      [bootstrapPaths.addonConfig]: '0600',
      [bootstrapPaths.clusterctlConfig]: '0644',
    });
  });

  it('is accepted by `cloud-init schema` (required in CI)', (t) => {
    const result = cloudInitSchema(t, text);
    if (!result) return;
    assert.equal(result.status, 0, result.output);
    assert.match(result.output, /Valid cloud-config/);
    // The check is real: a write_files item with a stray key is refused.
    const stray = cloudInitSchema(
      t,
      text.replace('permissions: "0600"', 'permissions: "0600"\n    mode: 384'),
    );
    assert.notEqual(stray?.status, 0);
  });

  it('reads back: files, settings with the report endpoint, and the phase list', () => {
    const extracted = extractCloudInit(text);
    assert.equal(extracted.files.get(bootstrapPaths.capiYaml)?.content, input().capiYaml);
    assert.equal(extracted.files.get(bootstrapPaths.reportSecret)?.content, `${SECRET}\n`);
    assert.equal(extracted.files.get(bootstrapPaths.apiToken)?.content, 'owner-refresh-token\n');
    const settings = extracted.settings;
    assert.ok(settings);
    assert.equal(settings.report.url, `https://vcd.example.com/api/cse/v1/clusters/${CLUSTER_ID}/bootstrap`);
    assert.equal(settings.report.secretHeader, 'X-CSE-Bootstrap-Secret');
    assert.equal(settings.vcd.tokenUrl, 'https://vcd.example.com/oauth/tenant/tenant1/token');
    assert.deepEqual(
      settings.phases.map((phase) => phase.name),
      bootstrapPhaseNames,
    );
    assert.ok(settings.phases.every((phase) => phase.timeoutSeconds > 0));
    assert.equal(settings.components.capvcd, 'v1.3.2');
    assert.equal(
      JSON.stringify(settings).includes('owner-refresh-token'),
      false,
      'no secret in the settings',
    );
    assert.equal(JSON.stringify(settings).includes(SECRET), false, 'no secret in the settings');
  });

  it('reports every phase once, in order, with the kubeconfig at kubeconfig-ready', () => {
    const reports = buildBootstrapCloudConfig(input())
      .runcmd.filter((argv) => argv[0] === bootstrapPaths.helper && argv[1] === 'report')
      .map((argv) => argv.slice(2));
    assert.deepEqual(
      reports.map((argv) => argv[0]),
      bootstrapPhaseNames,
    );
    assert.deepEqual(
      reports.find((argv) => argv[0] === 'kubeconfig-ready'),
      ['kubeconfig-ready', '--kubeconfig', bootstrapPaths.workloadKubeconfig],
    );
  });

  it('installs kind and clusterctl from the configured mirror, creates KinD, inits CAPVCD, applies, waits, pivots', () => {
    const runcmd = buildBootstrapCloudConfig(
      input({
        binaryMirror: 'https://mirror.example.com/cse',
        providerImageRegistry: 'registry.example.com/capi',
      }),
    ).runcmd.map((argv) => argv.join(' '));
    const expectations = [
      'curl -fsSL --retry 5 --retry-connrefused -o /usr/local/bin/kind https://mirror.example.com/cse/kind/v0.22.0/kind-linux-amd64',
      '-o /usr/local/bin/clusterctl https://mirror.example.com/cse/clusterctl/v1.7.9/clusterctl-linux-amd64',
      'kind create cluster --name cse-bootstrap --image kindest/node:v1.29.2',
      'clusterctl init --kubeconfig /opt/cse/kind.kubeconfig --core cluster-api:v1.7.9 --bootstrap kubeadm:v1.7.9 --control-plane kubeadm:v1.7.9 --infrastructure vcd:v1.3.2',
      'kubectl --kubeconfig /opt/cse/kind.kubeconfig apply -f /opt/cse/cluster.yaml',
      '--for=condition=ControlPlaneInitialized --timeout=1800s cluster/demo',
      '/opt/cse/bin/cse-bootstrap fetch-addon antrea',
      'clusterctl init --kubeconfig /opt/cse/workload.kubeconfig',
      'clusterctl move --kubeconfig /opt/cse/kind.kubeconfig --to-kubeconfig /opt/cse/workload.kubeconfig --namespace demo-ns',
    ];
    let from = 0;
    for (const expected of expectations) {
      const index = runcmd.findIndex((line, at) => at >= from && line.includes(expected));
      assert.ok(index >= 0, `runcmd has, in order: ${expected}`);
      from = index + 1;
    }
    const clusterctl = parse(
      extractCloudInit(
        renderBootstrapCloudInit(input({ providerImageRegistry: 'registry.example.com/capi' })),
      ).files.get(bootstrapPaths.clusterctlConfig)!.content,
    );
    assert.deepEqual(clusterctl.images, { all: { repository: 'registry.example.com/capi' } });
  });

  it('puts only constants and pattern-checked values into runcmd', () => {
    for (const argv of buildBootstrapCloudConfig(input()).runcmd) {
      assert.ok(Array.isArray(argv), 'every command is an argv list, quoted by cloud-init');
      for (const arg of argv) assert.ok(INERT.test(arg) || arg === DOCKER_LINE, `inert argument: ${arg}`);
    }
  });
});

describe('hostile values', () => {
  const HOSTILE = [
    '$(reboot)',
    '`reboot`',
    "demo'; reboot; '",
    'demo"; reboot; "',
    'demo\nreboot',
    'demo reboot',
    '${IFS}reboot',
  ];

  it('are refused in every field that reaches runcmd', () => {
    const place: Array<[string, (value: string) => Partial<BootstrapInput>]> = [
      ['clusterName', (value) => ({ clusterName: value })],
      ['namespace', (value) => ({ namespace: value })],
      ['clusterId', (value) => ({ clusterId: value })],
      ['components.kind', (value) => ({ components: { ...defaults(), kind: `v0.22.0${value}` } })],
      ['components.capvcd', (value) => ({ components: { ...defaults(), capvcd: `v1.3.2${value}` } })],
      [
        'components.kindNodeImage',
        (value) => ({ components: { ...defaults(), kindNodeImage: `kindest/node:v1${value}` } }),
      ],
      ['binaryMirror', (value) => ({ binaryMirror: `https://mirror.example.com/${value}` })],
      ['providerImageRegistry', (value) => ({ providerImageRegistry: `registry.example.com/${value}` })],
      [
        'addons[0].url',
        (value) => ({
          addons: {
            sources: [
              {
                name: 'cpi',
                version: 'v1.6.0',
                url: `https://example.com/${value}.yaml`,
                sha256: 'b'.repeat(64),
              },
            ],
            orgVdc: 'vdc',
            network: 'net',
          },
        }),
      ],
      ['vcd.url', (value) => ({ vcd: { url: `https://vcd.example.com/${value}`, org: 'tenant1' } })],
    ];
    for (const [field, build] of place) {
      for (const value of HOSTILE) {
        assert.throws(
          () => renderBootstrapCloudInit(input(build(value))),
          (error: unknown) =>
            error instanceof RenderInputError &&
            error.problems.some((problem) => problem.field.startsWith(field)),
          `${field} = ${JSON.stringify(value)}`,
        );
      }
    }
  });

  it('travel only in files when they are data, and never reach runcmd', () => {
    for (const value of HOSTILE) {
      const config = buildBootstrapCloudConfig(
        input({
          vcd: { url: 'https://vcd.example.com', org: `tenant${value}` },
          capiYaml: `# ${value}\napiVersion: v1\nkind: Namespace\n`,
          apiToken: value.includes(' ') || value.includes('\n') ? 'token$(reboot)' : value,
        }),
      );
      const runcmd = JSON.stringify(config.runcmd);
      for (const marker of ['reboot', '`', '$(', '${'])
        assert.equal(runcmd.includes(marker), false, `${marker} in runcmd`);
      const text = renderBootstrapCloudInit(
        input({ vcd: { url: 'https://vcd.example.com', org: `tenant${value}` }, capiYaml: `# ${value}\n` }),
      );
      const extracted = extractCloudInit(text);
      assert.equal(
        extracted.files.get(bootstrapPaths.capiYaml)?.content,
        `# ${value}\n`,
        'data survives intact',
      );
      assert.equal(extracted.settings?.vcd.org, `tenant${value}`);
      assert.ok(extracted.settings?.vcd.tokenUrl.startsWith('https://vcd.example.com/oauth/tenant/tenant'));
      assert.equal(
        /[\s`"'$]/.test(extracted.settings!.vcd.tokenUrl.slice(8)),
        false,
        'the org is URL-encoded',
      );
    }
  });

  it('are refused as secrets without echoing them', () => {
    assert.throws(
      () => renderBootstrapCloudInit(input({ reportSecret: 'short$(reboot)' })),
      (error: unknown) =>
        error instanceof RenderInputError &&
        error.problems.some((problem) => problem.field === 'reportSecret') &&
        !error.message.includes('short$(reboot)'),
    );
    assert.throws(
      () => renderBootstrapCloudInit(input({ apiToken: 'token with spaces\n' })),
      (error: unknown) => error instanceof RenderInputError && !error.message.includes('token with spaces'),
    );
  });
});

describe('reading a cloud-init', () => {
  it('refuses a document without the #cloud-config header', () => {
    assert.throws(() => extractCloudInit('write_files: []\n'), CloudInitParseError);
    assert.throws(() => extractCloudInit('## template: jinja\n#cloud-config\n'), CloudInitParseError);
  });

  it('refuses malformed YAML and documents that are not mappings', () => {
    assert.throws(() => extractCloudInit('#cloud-config\nwrite_files: [\n'), /not valid YAML/);
    assert.throws(() => extractCloudInit('#cloud-config\n- a\n- b\n'), /not a YAML mapping/);
    assert.throws(() => extractCloudInit('#cloud-config\n'), /not a YAML mapping/);
  });

  it('decodes base64 files and tolerates documents that are not ours', () => {
    const text =
      '#cloud-config\nwrite_files:\n  - path: /etc/motd\n    encoding: b64\n    content: aGVsbG8K\nruncmd:\n  - echo hi\n';
    const extracted = extractCloudInit(text);
    assert.equal(extracted.files.get('/etc/motd')?.content, 'hello\n');
    assert.equal(extracted.settings, undefined);
    assert.deepEqual(extracted.runcmd, ['echo hi']);
  });
});

function defaults(): NonNullable<BootstrapInput['components']> {
  return {
    kind: 'v0.22.0',
    kindNodeImage: 'kindest/node:v1.29.2',
    clusterctl: 'v1.7.9',
    clusterApi: 'v1.7.9',
    capvcd: 'v1.3.2',
    kubectl: 'v1.29.2',
  };
}

describe("the provider's proxy and trusted CAs on the bootstrap VM", () => {
  const pem = '-----BEGIN CERTIFICATE-----\nTUlJQmFzZTY0Q2VydA==\n-----END CERTIFICATE-----';
  const egress = {
    proxy: {
      httpProxy: 'http://user:pw@proxy.corp:3128',
      httpsProxy: 'http://proxy.corp:3128',
      noProxy: ['.corp'],
    },
    trustedCertificates: [{ name: 'Corp root CA', pem }],
  };
  const text = renderBootstrapCloudInit(input({ egress }));

  it('trusts the CAs through cloud-init, and configures apt, Docker and the helper for the proxy', () => {
    const config = parse(text) as { ca_certs: { trusted: string[] } };
    assert.deepEqual(config.ca_certs, { trusted: [pem] });
    const { files, settings } = extractCloudInit(text);
    assert.equal(
      files.get('/etc/apt/apt.conf.d/95cse-proxy')?.content,
      'Acquire::http::Proxy "http://user:pw@proxy.corp:3128";\nAcquire::https::Proxy "http://proxy.corp:3128";\n',
    );
    assert.equal(
      files.get('/etc/systemd/system/docker.service.d/cse-proxy.conf')?.content,
      [
        '[Service]',
        'Environment="HTTP_PROXY=http://user:pw@proxy.corp:3128"',
        'Environment="HTTPS_PROXY=http://proxy.corp:3128"',
        'Environment="NO_PROXY=localhost,127.0.0.1,::1,.svc,.cluster.local,.corp"',
        '',
      ].join('\n'),
    );
    assert.equal(settings?.environment['HTTPS_PROXY'], 'http://proxy.corp:3128');
    assert.equal(settings?.environment['no_proxy'], 'localhost,127.0.0.1,::1,.svc,.cluster.local,.corp');
  });

  it('is still accepted by `cloud-init schema`', (t) => {
    const result = cloudInitSchema(t, text);
    if (result) assert.equal(result.status, 0, result.output);
  });

  it('refuses values that could break out of apt, systemd or the environment', () => {
    const cases: Array<[string, BootstrapInput['egress']]> = [
      ['proxy.httpsProxy', { proxy: { httpsProxy: 'http://proxy.corp:3128";\nAcquire::x "y' } }],
      ['proxy.httpProxy', { proxy: { httpProxy: 'http://proxy corp' } }],
      ['proxy.noProxy[1]', { proxy: { httpProxy: 'http://p:1', noProxy: ['ok.corp', 'a"b'] } }],
      ['trustedCertificates[0].pem', { trustedCertificates: [{ name: 'x', pem: 'not a certificate' }] }],
    ];
    for (const [field, bad] of cases) {
      assert.throws(
        () => renderBootstrapCloudInit(input({ egress: bad })),
        (error: unknown) =>
          error instanceof RenderInputError && error.problems.some((problem) => problem.field === field),
        field,
      );
    }
  });
});

describe('the bootstrap cloud-init on an air-gapped site (components mirror)', () => {
  const mirror = 'https://mirror.example.com/cse';
  const airGapped = input({
    binaryMirror: mirror,
    componentsMirror: mirror,
    providerImageRegistry: 'registry.example.com/capi',
    addons: undefined,
  });
  const text = renderBootstrapCloudInit(airGapped);
  const extracted = extractCloudInit(text);
  const clusterctl = parse(extracted.files.get(bootstrapPaths.clusterctlConfig)!.content) as {
    providers?: Array<{ name: string; type: string; url: string }>;
    'cert-manager'?: { url?: string; version?: string };
  };

  it('fetches nothing from GitHub or any other public host', () => {
    assert.doesNotMatch(text, /github\.com|githubusercontent|dl\.k8s\.io/);
    const fetched = extracted.runcmd
      .filter((argv): argv is string[] => Array.isArray(argv) && argv.includes('curl'))
      .map((argv) => argv.at(-1)!);
    assert.ok(fetched.length >= 3 + 9, `downloads: ${fetched.join(' ')}`);
    for (const url of fetched) assert.ok(url.startsWith(`${mirror}/`), url);
  });

  it('points every clusterctl provider and cert-manager at the local repository it downloads', () => {
    const downloaded = new Map(
      (extracted.settings!.clusterctlRepository?.files ?? []).map((file) => [file.path, file.url]),
    );
    const providers = clusterctl.providers ?? [];
    assert.deepEqual(
      providers.map((provider) => `${provider.type}/${provider.name}`),
      [
        'CoreProvider/cluster-api',
        'BootstrapProvider/kubeadm',
        'ControlPlaneProvider/kubeadm',
        'InfrastructureProvider/vcd',
      ],
    );
    for (const provider of providers) {
      // clusterctl's local layout: {basepath}/{provider-label}/{version}/{components file}, metadata.yaml beside it.
      assert.match(
        provider.url,
        /^\/opt\/cse\/clusterctl-repository\/[a-z-]+\/v[\d.]+\/[a-z-]+-components\.yaml$/,
      );
      assert.equal(
        downloaded.get(provider.url),
        `${mirror}${provider.url.replace('/opt/cse/clusterctl-repository', '')}`,
      );
      const metadata = provider.url.replace(/[^/]+$/, 'metadata.yaml');
      assert.ok(downloaded.has(metadata), metadata);
    }
    assert.equal(
      clusterctl['cert-manager']?.url,
      '/opt/cse/clusterctl-repository/cert-manager/v1.14.5/cert-manager.yaml',
    );
    assert.equal(clusterctl['cert-manager']?.version, 'v1.14.5');
    assert.ok(downloaded.has(clusterctl['cert-manager']!.url!));
  });

  it('downloads the repository before clusterctl init, within the capi-initialised phase', () => {
    const commands = extracted.runcmd.filter((argv): argv is string[] => Array.isArray(argv));
    const init = commands.findIndex((argv) => argv.includes('init') && argv.includes('clusterctl'));
    const downloads = commands
      .map((argv, index) => ({ argv, index }))
      .filter(({ argv }) => argv.includes('--create-dirs'));
    assert.equal(downloads.length, 9);
    for (const { argv, index } of downloads) {
      assert.ok(index < init);
      assert.equal(argv[2], 'capi-initialised');
    }
  });

  it('leaves clusterctl on its GitHub repositories when no mirror is configured', () => {
    const plain = extractCloudInit(renderBootstrapCloudInit(input()));
    const config = parse(plain.files.get(bootstrapPaths.clusterctlConfig)!.content) as Record<
      string,
      unknown
    >;
    assert.equal(config['providers'], undefined);
    assert.equal(plain.settings!.clusterctlRepository, undefined);
  });

  it('is accepted by `cloud-init schema`', (t) => {
    const result = cloudInitSchema(t, text);
    if (result) assert.equal(result.status, 0, result.output);
  });

  it('refuses a mirror URL that could break the YAML or a command line', () => {
    for (const bad of [
      'https://mirror.example.com/a b',
      'https://mirror.example.com/"x',
      'https://m/$(id)',
      'ftp://m/x',
    ]) {
      assert.throws(
        () => renderBootstrapCloudInit(input({ componentsMirror: bad })),
        (error: unknown) =>
          error instanceof RenderInputError &&
          error.problems.some((problem) => problem.field === 'componentsMirror'),
        bad,
      );
    }
  });
});

interface KubeDocument {
  kind: string;
  metadata: { name: string; namespace?: string };
  data: Record<string, string>;
}

describe('the bootstrap cloud-init with CNI, CPI and CSI', () => {
  const token = 'owner-refresh-token';
  const sha = (c: string) => c.repeat(64);
  const sources = [
    {
      name: 'csi' as const,
      version: 'v1.6.0',
      url: 'https://mirror.example.com/csi/v1.6.0/csi.yaml',
      sha256: sha('c'),
    },
    {
      name: 'antrea' as const,
      version: 'v1.15.1',
      url: 'https://mirror.example.com/antrea/v1.15.1/antrea.yml',
      sha256: sha('a'),
    },
    {
      name: 'cpi' as const,
      version: 'v1.6.0',
      url: 'https://mirror.example.com/cpi/v1.6.0/ccm.yaml',
      sha256: sha('b'),
    },
  ];
  const text = renderBootstrapCloudInit(
    input({ apiToken: token, addons: { sources, orgVdc: 'tenant1-vdc', network: 'k8s-net' } }),
  );
  const extracted = extractCloudInit(text);
  const commands = extracted.runcmd.filter((argv): argv is string[] => Array.isArray(argv));
  const indexOf = (predicate: (argv: string[]) => boolean) => commands.findIndex(predicate);

  it('applies the cluster configuration, then Antrea, CPI and CSI, after the kubeconfig and before nodes-ready', () => {
    const addonCommands = commands
      .filter((argv) => argv[1] === 'run' && argv[2] === 'addons-applied')
      .map((argv) => argv.slice(4).join(' '));
    const workload = `--kubeconfig ${bootstrapPaths.workloadKubeconfig}`;
    assert.deepEqual(addonCommands, [
      `kubectl ${workload} apply -f ${bootstrapPaths.addonConfig}`,
      `${bootstrapPaths.helper} fetch-addon antrea`,
      `kubectl ${workload} apply -f /opt/cse/addons/antrea.yaml`,
      `${bootstrapPaths.helper} fetch-addon cpi`,
      `kubectl ${workload} apply -f /opt/cse/addons/cpi.yaml`,
      `${bootstrapPaths.helper} fetch-addon csi`,
      `kubectl ${workload} apply -f /opt/cse/addons/csi.yaml`,
      `kubectl ${workload} rollout status --namespace kube-system daemonset/antrea-agent --timeout=600s`,
      `kubectl ${workload} rollout status --namespace kube-system deployment/vmware-cloud-director-ccm --timeout=600s`,
      `kubectl ${workload} rollout status --namespace kube-system deployment/csi-vcd-controllerplugin --timeout=600s`,
    ]);
    const kubeconfig = indexOf((argv) => argv.includes('fetch-kubeconfig'));
    const firstAddon = indexOf((argv) => argv[2] === 'addons-applied');
    const nodesReady = indexOf((argv) => argv[2] === 'nodes-ready');
    const move = indexOf((argv) => argv.includes('move'));
    assert.ok(kubeconfig < firstAddon && firstAddon < nodesReady && nodesReady < move);
  });

  it('keeps the sha256 of each manifest in the settings for the helper to check', () => {
    const addons = extracted.settings!.addons;
    assert.deepEqual(
      addons.map((addon) => [addon.name, addon.sha256, addon.file]),
      [
        ['antrea', sha('a'), '/opt/cse/addons/antrea.yaml'],
        ['cpi', sha('b'), '/opt/cse/addons/cpi.yaml'],
        ['csi', sha('c'), '/opt/cse/addons/csi.yaml'],
      ],
    );
    assert.match(bootstrapHelperScript, /hashlib\.sha256\(body\)\.hexdigest\(\)/);
    assert.match(bootstrapHelperScript, /refusing to apply it/);
  });

  it('puts the refresh token only in the 0600 vcloud-basic-auth Secret, never on a command line', () => {
    const file = extracted.files.get(bootstrapPaths.addonConfig)!;
    assert.equal(file.permissions, '0600');
    const objects = parseAllDocuments(file.content).map((doc) => doc.toJS() as KubeDocument);
    const secret = objects.find((object) => object['kind'] === 'Secret')!;
    assert.equal(secret['metadata'].name, 'vcloud-basic-auth');
    assert.equal(secret['metadata'].namespace, 'kube-system');
    assert.equal(Buffer.from(secret['data'].refreshToken, 'base64').toString(), token);
    for (const argv of commands) assert.ok(!argv.join(' ').includes(token), argv.join(' '));
    assert.ok(!extracted.files.get(bootstrapPaths.settings)!.content.includes(token));
  });

  it('points the CPI and CSI configuration at the cluster’s own entity and VCD coordinates', () => {
    const objects = parseAllDocuments(extracted.files.get(bootstrapPaths.addonConfig)!.content).map(
      (doc) => doc.toJS() as KubeDocument,
    );
    const configOf = (name: string, key: string) =>
      parse(objects.find((object) => object['metadata'].name === name)!['data'][key]) as Record<
        string,
        unknown
      >;
    const ccm = configOf('vcloud-ccm-configmap', 'vcloud-ccm-config.yaml');
    assert.equal(ccm['clusterid'], CLUSTER_ID);
    assert.deepEqual(ccm['vcd'], {
      host: 'https://vcd.example.com',
      org: 'tenant1',
      vdc: 'tenant1-vdc',
      isZoneEnabledCluster: false,
    });
    assert.equal(ccm['vAppName'], 'demo');
    const csi = configOf('vcloud-csi-configmap', 'vcloud-csi-config.yaml');
    assert.equal(csi['clusterid'], CLUSTER_ID);
    assert.deepEqual(csi['vcd'], {
      host: 'https://vcd.example.com',
      org: 'tenant1',
      vdc: 'tenant1-vdc',
      vAppName: 'demo',
    });
    assert.ok(objects.some((object) => object['metadata'].name === 'vcloud-capvcd-zones'));
  });

  it('refuses an add-on with a bad checksum, URL or a duplicate name', () => {
    const cases: Array<[string, BootstrapInput['addons']]> = [
      ['addons[0].sha256', { sources: [{ ...sources[0]!, sha256: 'XYZ' }], orgVdc: 'v', network: 'n' }],
      ['addons[0].url', { sources: [{ ...sources[0]!, url: 'https://m/a b"' }], orgVdc: 'v', network: 'n' }],
      ['addons', { sources: [sources[0]!, sources[0]!], orgVdc: 'v', network: 'n' }],
    ];
    for (const [field, addons] of cases)
      assert.throws(
        () => renderBootstrapCloudInit(input({ addons })),
        (error: unknown) =>
          error instanceof RenderInputError && error.problems.some((problem) => problem.field === field),
        field,
      );
  });

  it('is accepted by `cloud-init schema`', (t) => {
    const result = cloudInitSchema(t, text);
    if (result) assert.equal(result.status, 0, result.output);
  });
});

describe('the default StorageClass', () => {
  it('uses the named-disk CSI provisioner with the storage profile, filesystem and reclaim policy', () => {
    assert.deepEqual(
      defaultStorageClass({
        name: 'default-sc',
        storageProfile: 'Gold Policy',
        deleteOnRelease: true,
        filesystem: 'xfs',
      }),
      {
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        metadata: {
          name: 'default-sc',
          annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' },
        },
        provisioner: 'named-disk.csi.cloud-director.vmware.com',
        reclaimPolicy: 'Delete',
        parameters: { storageProfile: 'Gold Policy', filesystem: 'xfs' },
      },
    );
    const retained = parse(
      renderDefaultStorageClass({
        name: 'keep',
        storageProfile: '*',
        deleteOnRelease: false,
        filesystem: 'ext4',
      }),
    ) as { reclaimPolicy: string };
    assert.equal(retained.reclaimPolicy, 'Retain');
  });

  it('refuses a name that is not a DNS label and a storage profile with control characters', () => {
    assert.throws(
      () =>
        defaultStorageClass({
          name: 'Bad Name',
          storageProfile: 'p',
          deleteOnRelease: true,
          filesystem: 'ext4',
        }),
      RenderInputError,
    );
    assert.throws(
      () =>
        defaultStorageClass({
          name: 'ok',
          storageProfile: 'a\nb',
          deleteOnRelease: true,
          filesystem: 'ext4',
        }),
      RenderInputError,
    );
  });
});
