import type { KubeObject } from './objects.ts';
import { valueAt } from './objects.ts';
import { KubeStatusError } from './status.ts';

type Requirement = (labels: Record<string, string>) => boolean;

/** Splits on commas outside parentheses (`a in (x,y),b`). */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of selector) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (char === ',' && depth === 0) {
      terms.push(current);
      current = '';
    } else current += char;
  }
  terms.push(current);
  return terms.map((term) => term.trim()).filter((term) => term !== '');
}

function badSelector(kind: string, selector: string): KubeStatusError {
  return new KubeStatusError(
    'BadRequest',
    `unable to parse requirement: invalid ${kind} selector "${selector}"`,
  );
}

/** Label selectors: `k=v`, `k==v`, `k!=v`, `k`, `!k`, `k in (a,b)`, `k notin (a,b)`. */
export function parseLabelSelector(selector: string): Requirement {
  const requirements = splitTerms(selector).map((term): Requirement => {
    let match = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
    if (match) {
      const [, key, operator, values] = match;
      const set = new Set(values!.split(',').map((value) => value.trim()));
      return operator === 'in'
        ? (labels) => labels[key!] !== undefined && set.has(labels[key!]!)
        : (labels) => labels[key!] === undefined || !set.has(labels[key!]!);
    }
    match = /^([\w./-]+)\s*(==|=|!=)\s*([\w.-]*)$/.exec(term);
    if (match) {
      const [, key, operator, value] = match;
      return operator === '!=' ? (labels) => labels[key!] !== value : (labels) => labels[key!] === value;
    }
    match = /^(!?)([\w./-]+)$/.exec(term);
    if (match) {
      const [, not, key] = match;
      return not ? (labels) => labels[key!] === undefined : (labels) => labels[key!] !== undefined;
    }
    throw badSelector('label', selector);
  });
  return (labels) => requirements.every((requirement) => requirement(labels));
}

/** Field selectors: `path=v`, `path==v`, `path!=v` over dotted paths (`metadata.name`, `spec.nodeName`). */
export function parseFieldSelector(selector: string): (object: KubeObject) => boolean {
  const requirements = splitTerms(selector).map((term) => {
    const match = /^([\w.]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!match) throw badSelector('field', selector);
    const [, path, operator, expected] = match;
    return (object: KubeObject) => {
      const actual = valueAt(object, path!);
      const text = actual === undefined || actual === null ? '' : String(actual);
      return operator === '!=' ? text !== expected : text === expected;
    };
  });
  return (object) => requirements.every((requirement) => requirement(object));
}

/** Matches `spec.selector` of workloads: `matchLabels` and `matchExpressions`. */
export function matchesLabelSelector(
  selector: {
    matchLabels?: Record<string, string>;
    matchExpressions?: { key: string; operator: string; values?: string[] }[];
  },
  labels: Record<string, string>,
): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {}))
    if (labels[key] !== value) return false;
  for (const expression of selector.matchExpressions ?? []) {
    const value = labels[expression.key];
    const values = expression.values ?? [];
    const ok =
      expression.operator === 'In'
        ? value !== undefined && values.includes(value)
        : expression.operator === 'NotIn'
          ? value === undefined || !values.includes(value)
          : expression.operator === 'Exists'
            ? value !== undefined
            : value === undefined;
    if (!ok) return false;
  }
  return true;
}
