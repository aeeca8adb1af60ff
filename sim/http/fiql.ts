/**
 * FIQL, as VCD's `filter=` query parameter uses it: `name==foo*;(status==RUNNING,status==ERROR)`.
 * `;` is AND and binds tighter than `,` (OR); parentheses group; selectors are dotted paths into the
 * served JSON (`entity.status.phase`).
 *
 * Values are unquoted, as every public client sends them (go-vcloud-director `govcd/*.go` `"name=="+name`,
 * CPI `pkg/vcdsdk/gateway.go`). `( ) ; ,` are reserved and a backslash escapes them (pyvcloud
 * `pyvcloud/vcd/client.py` `_escape_special_characters`, API ≥ 35). No source gives quotes a meaning,
 * so they are ordinary characters: `name=="demo"` looks for a name with quotes in it. An unescaped `*` in
 * `==`/`!=` values is a wildcard. Guessed (check on a real VCD): a backslash before any other character
 * (`\*` too) makes that character literal.
 */
export type FiqlOperator = '==' | '!=' | '=lt=' | '=le=' | '=gt=' | '=ge=';

export interface FiqlComparison {
  kind: 'comparison';
  selector: string;
  operator: FiqlOperator;
  /** The value with its escapes removed. */
  value: string;
  /** The value with its unescaped `*` as wildcards, compiled once per filter; absent when it has none. */
  wildcard?: RegExp;
}

export type FiqlExpression = { kind: 'and' | 'or'; operands: FiqlExpression[] } | FiqlComparison;

export class FiqlError extends Error {
  override readonly name = 'FiqlError';
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} at position ${position}`);
  }
}

const operators: readonly FiqlOperator[] = ['==', '!=', '=lt=', '=le=', '=gt=', '=ge='];
const selectorPattern = /[A-Za-z_][A-Za-z0-9_.-]*/y;

export function parseFiql(text: string): FiqlExpression {
  let position = 0;

  const peek = () => text[position];
  const expect = (char: string) => {
    if (text[position] !== char) throw new FiqlError(`expected "${char}"`, position);
    position++;
  };

  function parseOr(): FiqlExpression {
    const operands = [parseAnd()];
    while (peek() === ',') {
      position++;
      operands.push(parseAnd());
    }
    return operands.length === 1 ? operands[0]! : { kind: 'or', operands };
  }

  function parseAnd(): FiqlExpression {
    const operands = [parsePrimary()];
    while (peek() === ';') {
      position++;
      operands.push(parsePrimary());
    }
    return operands.length === 1 ? operands[0]! : { kind: 'and', operands };
  }

  function parsePrimary(): FiqlExpression {
    if (peek() === '(') {
      position++;
      const inner = parseOr();
      expect(')');
      return inner;
    }
    return parseComparison();
  }

  function parseComparison(): FiqlExpression {
    selectorPattern.lastIndex = position;
    const match = selectorPattern.exec(text);
    if (!match) throw new FiqlError('expected a selector (field name)', position);
    const selector = match[0];
    position += selector.length;
    const operator = operators.find((candidate) => text.startsWith(candidate, position));
    if (!operator) {
      const unknown = /^=[a-z]*=/i.exec(text.slice(position));
      throw new FiqlError(
        unknown
          ? `unsupported operator "${unknown[0]}"`
          : 'expected an operator (==, !=, =lt=, =le=, =gt=, =ge=)',
        position,
      );
    }
    position += operator.length;
    return { kind: 'comparison', selector, operator, ...parseValue() };
  }

  function parseValue(): Pick<FiqlComparison, 'value' | 'wildcard'> {
    const start = position;
    const parts = [''];
    while (position < text.length && !';,()'.includes(text[position]!)) {
      const char = text[position++]!;
      if (char === '\\' && position < text.length) parts[parts.length - 1] += text[position++];
      else if (char === '*') parts.push('');
      else parts[parts.length - 1] += char;
    }
    if (position === start) throw new FiqlError('expected a value', position);
    return parts.length === 1
      ? { value: parts[0]! }
      : { value: parts.join('*'), wildcard: wildcardOf(parts) };
  }

  if (text.trim() === '') throw new FiqlError('empty filter', 0);
  const expression = parseOr();
  if (position !== text.length) throw new FiqlError(`unexpected "${text[position]}"`, position);
  return expression;
}

/** Handles selectors that are not fields, such as ALB's `_context==<gatewayId>`. */
export type CustomSelector<T> = (item: T, operator: FiqlOperator, value: string) => boolean;

/** Leaf values at a dotted path; arrays along the way fan out (`roleEntityRefs.name`). */
export function valuesAt(item: unknown, path: string): unknown[] {
  let current: unknown[] = [item];
  for (const segment of path.split('.')) {
    const next: unknown[] = [];
    for (const value of current) {
      if (value === null || typeof value !== 'object') continue;
      const child = (value as Record<string, unknown>)[segment];
      if (Array.isArray(child)) next.push(...child);
      else if (child !== undefined) next.push(child);
    }
    current = next;
  }
  return current;
}

/** Literal runs joined by `.*`, matching the whole text. */
function wildcardOf(parts: string[]): RegExp {
  return new RegExp(`^${parts.map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's');
}

function asText(value: unknown): string {
  return value === null ? 'null' : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function numeric(text: string): number | undefined {
  return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : undefined;
}

function equals(leaf: unknown, comparison: FiqlComparison): boolean {
  const text = asText(leaf);
  if (comparison.wildcard) return comparison.wildcard.test(text);
  if (text === comparison.value) return true;
  const a = numeric(text);
  const b = numeric(comparison.value);
  return a !== undefined && b !== undefined && a === b;
}

function compare(leaf: unknown, value: string): number {
  const text = asText(leaf);
  const a = numeric(text);
  const b = numeric(value);
  if (a !== undefined && b !== undefined) return a - b;
  return text < value ? -1 : text > value ? 1 : 0;
}

export function matchesFiql<T>(
  expression: FiqlExpression,
  item: T,
  custom: Record<string, CustomSelector<T>> = {},
): boolean {
  switch (expression.kind) {
    case 'and':
      return expression.operands.every((operand) => matchesFiql(operand, item, custom));
    case 'or':
      return expression.operands.some((operand) => matchesFiql(operand, item, custom));
    case 'comparison': {
      const { selector, operator, value } = expression;
      const customSelector = custom[selector];
      if (customSelector) return customSelector(item, operator, value);
      const leaves = valuesAt(item, selector);
      if (operator === '==')
        return value === 'null' && leaves.length === 0
          ? true
          : leaves.some((leaf) => equals(leaf, expression));
      if (operator === '!=') return !leaves.some((leaf) => equals(leaf, expression));
      return leaves.some((leaf) => {
        const order = compare(leaf, value);
        return operator === '=lt='
          ? order < 0
          : operator === '=le='
            ? order <= 0
            : operator === '=gt='
              ? order > 0
              : order >= 0;
      });
    }
  }
}

/** Combined conditions that all must hold, e.g. `_context` filters repeated with `;`. */
export function comparisonsOf(expression: FiqlExpression): FiqlComparison[] {
  if (expression.kind === 'comparison') return [expression];
  return expression.kind === 'and' ? expression.operands.flatMap(comparisonsOf) : [];
}
