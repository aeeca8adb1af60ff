import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { clusterSpecMessages } from '../../behaviours/validation/cluster-spec-rules.ts';
import { bootstrapPaths } from '../../backend/bootstrap/cloud-init.ts';
import { bootstrapPhases } from '../../backend/bootstrap/phases.ts';

const docs = readFileSync(new URL('../../docs/cluster-spec.md', import.meta.url), 'utf8');

it('docs/cluster-spec.md lists every bootstrap phase with its timeout, in order', () => {
  const rows = [...docs.matchAll(/^\| `([a-z-]+)` +\| +(\d+) +\| /gm)].map(([, name, seconds]) => [
    name,
    Number(seconds),
  ]);
  assert.deepEqual(
    rows,
    bootstrapPhases.map((phase) => [phase.name, phase.timeoutSeconds]),
  );
});

it('docs/cluster-spec.md gives an example message for every validation rule', () => {
  const table = docs.slice(docs.search(/^\| Rule +\| Example message +\|/m)).split('\n\n')[0]!;
  const rules = [...table.matchAll(/^\| `([a-z-]+)` +\| /gm)].map(([, rule]) => rule);
  assert.deepEqual(rules.sort(), Object.keys(clusterSpecMessages).sort());
});

it('docs/cluster-spec.md names every file the cloud-init writes or the helper uses', () => {
  for (const path of Object.values(bootstrapPaths)) assert.ok(docs.includes(path), path);
});
