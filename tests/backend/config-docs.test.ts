import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { configPaths, envNameFor } from '../../backend/config/load.ts';

it('docs/configuration.md documents exactly the configuration keys the worker accepts', () => {
  const docs = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
  const rows = [...docs.matchAll(/^\|\s*`([A-Za-z0-9.]+)`\s*\|\s*`(CSE_[A-Z0-9_]+)`\s*\|/gm)].map(
    ([, key, env]) => ({
      key,
      env,
    }),
  );
  assert.deepEqual(rows.map((row) => row.key).sort(), configPaths().sort());
  for (const row of rows) assert.equal(row.env, envNameFor(row.key!), `environment variable of ${row.key}`);
});
