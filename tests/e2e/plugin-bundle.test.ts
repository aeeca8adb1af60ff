import AdmZip from 'adm-zip';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { runInNewContext } from 'node:vm';

const zipPath = new URL('../../dist/plugin/plugin.zip', import.meta.url);
const englishPath = new URL('../../ui-plugin/src/main/i18n/en.json', import.meta.url);
/** Where the container's asset URL (`EXTENSION_ASSET_URL`, the zip's `assets/`) plus `i18n/en.json` points. */
const englishAsset = 'assets/i18n/en.json';
const containerProvided = /^(@angular\/|@clr\/|@cds\/|@vcd\/common$|rxjs)/;

interface Manifest {
  urn: string;
  version: string;
  scope: string[];
  extensionPoints: { type: string; module?: string; route?: string }[];
}

describe('plugin.zip', () => {
  const zip = new AdmZip(readFileSync(zipPath));
  const manifest = JSON.parse(zip.readAsText('manifest.json')) as Manifest;
  const bundle = zip.readAsText('bundle.js');

  it('holds manifest.json and bundle.js, and the manifest names a navigation module and route', () => {
    const names = zip.getEntries().map((entry) => entry.entryName);
    assert.ok(names.includes('manifest.json'));
    assert.ok(names.includes('bundle.js'));
    assert.ok(!names.some((name) => name.endsWith('.html')), 'no html files in the plugin zip');
    const nav = manifest.extensionPoints.find((point) => point.type === 'navigation:primary');
    assert.ok(nav?.module && nav.route, 'a navigation:primary extension point with module and route');
    assert.deepEqual([...manifest.scope].sort(), ['service-provider', 'tenant']);
  });

  it('ships the English strings as an asset, exactly as en.json has them', () => {
    const names = zip.getEntries().map((entry) => entry.entryName);
    assert.ok(names.includes(englishAsset), `${englishAsset} in the zip (has ${names.join(', ')})`);
    const shipped = JSON.parse(zip.readAsText(englishAsset)) as Record<string, string>;
    assert.deepEqual(shipped, JSON.parse(readFileSync(englishPath, 'utf8')));
  });

  it('does not embed the English strings in bundle.js', () => {
    const english = JSON.parse(readFileSync(englishPath, 'utf8')) as Record<string, string>;
    // Sentences, not short labels that also name things in code ("Ready") or in the shared validation messages.
    const sentences = Object.entries(english).filter(([, text]) => text.length >= 20);
    assert.ok(sentences.length > 50, 'en.json has sentences to look for');
    const embedded = sentences.filter(([, text]) => bundle.includes(text));
    assert.deepEqual(
      embedded.map(([key]) => key),
      [],
      'strings of en.json found in bundle.js',
    );
    assert.ok(!bundle.includes(english['clusters.empty.body']!));
    assert.ok(!bundle.includes(english['wizard.tokenRight.missing']!));
  });

  it('defines the manifest module as a named AMD module whose dependencies the container provides', () => {
    const nav = manifest.extensionPoints.find((point) => point.type === 'navigation:primary')!;
    const defined: { name: string; deps: string[]; exports: Record<string, unknown> }[] = [];
    const define = (
      name: string,
      deps: string[],
      factory: (...modules: unknown[]) => Record<string, unknown>,
    ) => {
      // Every external resolves to a proxy, so the factory runs without Angular and we see its exports.
      const stubs = deps.map(() => new Proxy({}, { get: () => stubClassFactory() }));
      defined.push({ name, deps, exports: factory(...stubs) });
    };
    (define as unknown as { amd: object }).amd = {};
    runInNewContext(bundle, { define, self: {}, globalThis: {} });

    assert.equal(defined.length, 1);
    const [module] = defined;
    assert.equal(module!.name, nav.module);
    assert.ok(module!.deps.length > 0);
    assert.deepEqual(
      Array.from(module!.deps).filter((dep) => !containerProvided.test(dep)),
      [],
      'Angular, rxjs, Clarity and @vcd/common stay external',
    );
    assert.equal(typeof module!.exports[nav.module!], 'function', `bundle exports ${nav.module}`);
  });
});

/** A constructor-like stub that tolerates being called, extended or decorated. */
function stubClassFactory(): unknown {
  const stub: unknown = new Proxy(function () {}, {
    get: (_target, key) => (key === 'prototype' ? {} : stub),
    apply: () => stub,
    construct: () => ({}),
  });
  return stub;
}
