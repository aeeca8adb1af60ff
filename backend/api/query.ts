/**
 * Declared query parameters: one small description per parameter gives both the validation (400 naming the
 * parameter) and its OpenAPI entry. Unknown parameters are refused, so a typo never silently widens a listing.
 */
import { ApiError } from './errors.ts';

interface ParameterBase {
  name: string;
  description: string;
}

export type QueryParameter = ParameterBase &
  (
    | { kind: 'integer'; minimum: number; maximum: number; default?: number }
    | { kind: 'string'; maxLength: number; pattern?: RegExp; patternHint?: string }
    | { kind: 'enum'; values: readonly string[]; default?: string }
    | { kind: 'boolean'; default?: boolean }
  );

export type QueryValues = Record<string, string | number | boolean | undefined>;

function parseOne(parameter: QueryParameter, raw: string): string | number | boolean {
  const invalid = (reason: string) =>
    new ApiError('invalidQueryParameter', { parameter: parameter.name, reason });
  switch (parameter.kind) {
    case 'integer': {
      if (!/^-?\d+$/.test(raw)) throw invalid(`must be a whole number, got "${truncate(raw)}"`);
      const value = Number(raw);
      if (!Number.isSafeInteger(value) || value < parameter.minimum || value > parameter.maximum) {
        throw invalid(`must be between ${parameter.minimum} and ${parameter.maximum}, got ${truncate(raw)}`);
      }
      return value;
    }
    case 'string': {
      if (raw.length === 0) throw invalid('must not be empty');
      if (raw.length > parameter.maxLength)
        throw invalid(`must be at most ${parameter.maxLength} characters`);
      if (parameter.pattern && !parameter.pattern.test(raw)) {
        throw invalid(
          `${parameter.patternHint ?? `must match ${parameter.pattern.source}`}, got "${truncate(raw)}"`,
        );
      }
      return raw;
    }
    case 'enum': {
      if (!parameter.values.includes(raw)) {
        throw invalid(`must be one of ${parameter.values.join(', ')}, got "${truncate(raw)}"`);
      }
      return raw;
    }
    case 'boolean': {
      if (raw === 'true') return true;
      if (raw === 'false') return false;
      throw invalid(`must be true or false, got "${truncate(raw)}"`);
    }
  }
}

/** Echoed values are cut short: a message must stay one readable line. */
function truncate(raw: string): string {
  return raw.length > 40 ? `${raw.slice(0, 40)}…` : raw;
}

export function parseQuery(parameters: readonly QueryParameter[], query: URLSearchParams): QueryValues {
  const byName = new Map(parameters.map((parameter) => [parameter.name, parameter]));
  const values: QueryValues = {};
  for (const name of new Set(query.keys())) {
    const parameter = byName.get(name);
    if (!parameter) {
      throw new ApiError('unknownQueryParameter', {
        parameter: truncate(name),
        supported: parameters.length ? parameters.map((p) => p.name).join(', ') : '(none)',
      });
    }
    const given = query.getAll(name);
    if (given.length > 1) {
      throw new ApiError('invalidQueryParameter', { parameter: name, reason: 'must be given at most once' });
    }
    values[name] = parseOne(parameter, given[0]!);
  }
  for (const parameter of parameters) {
    if (values[parameter.name] === undefined && 'default' in parameter && parameter.default !== undefined) {
      values[parameter.name] = parameter.default;
    }
  }
  return values;
}

/** The parameter as an OpenAPI 3.1 `parameters` entry. */
export function openApiParameter(parameter: QueryParameter): Record<string, unknown> {
  const schema: Record<string, unknown> = {};
  switch (parameter.kind) {
    case 'integer':
      Object.assign(schema, { type: 'integer', minimum: parameter.minimum, maximum: parameter.maximum });
      break;
    case 'string':
      Object.assign(schema, { type: 'string', minLength: 1, maxLength: parameter.maxLength });
      if (parameter.pattern) schema['pattern'] = parameter.pattern.source;
      break;
    case 'enum':
      Object.assign(schema, { type: 'string', enum: [...parameter.values] });
      break;
    case 'boolean':
      schema['type'] = 'boolean';
      break;
  }
  if ('default' in parameter && parameter.default !== undefined) schema['default'] = parameter.default;
  return { name: parameter.name, in: 'query', required: false, description: parameter.description, schema };
}
