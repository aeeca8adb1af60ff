import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { apiErrorCatalogue } from '../../backend/api/errors.ts';

/** Rows of the error table in docs/api.md: entry → "code status message". */
function documentedErrors(): Map<string, string> {
  const text = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');
  const section = text.slice(text.indexOf('## Error catalogue'));
  const rows = new Map<string, string>();
  for (const line of section.split('\n')) {
    const cells = line.split(/(?<!\\)\|/).map((cell) => cell.trim());
    const [, code, status, entry, message] = cells;
    if (!code?.startsWith('`') || !entry?.startsWith('`')) continue;
    rows.set(
      entry.replace(/`/g, ''),
      `${code.replace(/`/g, '')} ${status} ${message!.replace(/\\\|/g, '|')}`,
    );
  }
  return rows;
}

describe('error catalogue and docs/api.md', () => {
  it('document every catalogue entry with its code, status and message, and nothing else', () => {
    const documented = documentedErrors();
    const catalogue = new Map(
      Object.entries(apiErrorCatalogue).map(([name, entry]) => [
        name,
        `${entry.code} ${entry.status} ${entry.message}`,
      ]),
    );
    const missing = [...catalogue.keys()].filter((name) => !documented.has(name));
    const extra = [...documented.keys()].filter((name) => !catalogue.has(name));
    assert.deepEqual({ missing, extra }, { missing: [], extra: [] });
    for (const [name, line] of catalogue) assert.equal(documented.get(name), line, name);
  });

  it('gives every code one status', () => {
    const statuses = new Map<string, Set<number>>();
    for (const entry of Object.values(apiErrorCatalogue)) {
      statuses.set(entry.code, (statuses.get(entry.code) ?? new Set()).add(entry.status));
    }
    for (const [code, set] of statuses) assert.equal(set.size, 1, code);
  });
});
