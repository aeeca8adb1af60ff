import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { secretConfigPaths, workerConfigSchema, type WorkerConfig } from './schema.ts';

/** A configuration problem a person can fix; `message` names the key and the expected form. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export const ENV_PREFIX = 'CSE_';

/** `vcd.apiToken` → `CSE_VCD_API_TOKEN`. */
export function envNameFor(path: string): string {
  return (
    ENV_PREFIX +
    path
      .split('.')
      .map((segment) => segment.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase())
      .join('_')
  );
}

/** Every leaf path of the schema, e.g. `http.port`; the single source for env names and docs. */
export function configPaths(schema: z.ZodTypeAny = workerConfigSchema, prefix = ''): string[] {
  const objectSchema = unwrap(schema);
  if (!(objectSchema instanceof z.ZodObject)) return [prefix];
  return Object.entries(objectSchema.shape as Record<string, z.ZodTypeAny>).flatMap(([key, child]) =>
    configPaths(child, prefix ? `${prefix}.${key}` : key),
  );
}

function unwrap(schema: z.ZodTypeAny): z.ZodTypeAny {
  if (schema instanceof z.ZodDefault || schema instanceof z.ZodOptional) return unwrap(schema._def.innerType);
  if (schema instanceof z.ZodEffects) return unwrap(schema._def.schema);
  return schema;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const segments = path.split('.');
  let node = target;
  for (const segment of segments.slice(0, -1)) {
    const next = node[segment];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[segment] = {};
    node = node[segment] as Record<string, unknown>;
  }
  node[segments[segments.length - 1]!] = value;
}

export interface LoadConfigOptions {
  /** Path of an optional YAML file. */
  file?: string;
  env?: NodeJS.ProcessEnv;
  /** Values from command-line flags; they win over everything else. */
  overrides?: Record<string, unknown>;
}

export async function loadWorkerConfig(options: LoadConfigOptions = {}): Promise<WorkerConfig> {
  const env = options.env ?? process.env;
  const raw: Record<string, unknown> = options.file ? await readYamlFile(options.file) : {};
  const fileName = options.file ?? '';

  for (const path of configPaths()) {
    const value = env[envNameFor(path)];
    if (value !== undefined) setPath(raw, path, value);
  }
  for (const [path, value] of Object.entries(options.overrides ?? {})) {
    if (value !== undefined) setPath(raw, path, value);
  }

  const result = workerConfigSchema.safeParse(raw);
  if (result.success) return result.data;
  throw new ConfigError(describeIssues(result.error, raw, fileName));
}

async function readYamlFile(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(`cannot read configuration file ${file} (${code ?? String(error)})`);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (error) {
    throw new ConfigError(
      `configuration file ${file} is not valid YAML: ${(error as Error).message.split('\n')[0]}`,
    );
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`configuration file ${file} must hold a YAML mapping of keys to values`);
  }
  return parsed as Record<string, unknown>;
}

function describeIssues(error: z.ZodError, raw: Record<string, unknown>, fileName: string): string {
  const lines = error.issues.map((issue) => {
    const path = issue.path.join('.');
    if (issue.code === 'unrecognized_keys') {
      const where = path ? ` in ${path}` : '';
      return `unknown configuration key${issue.keys.length > 1 ? 's' : ''}${where}: ${issue.keys.join(', ')}${fileName ? ` (file ${fileName})` : ''}`;
    }
    const secret = (secretConfigPaths as readonly string[]).includes(path);
    const expected =
      issue.code === 'invalid_enum_value' ? `must be one of ${issue.options.join(', ')}` : issue.message;
    const value = valueAt(raw, issue.path);
    const got = secret || value === undefined ? '' : `, got ${JSON.stringify(value)}`;
    return `${path} (env ${envNameFor(path)}) ${expected}${got}`;
  });
  return `invalid configuration: ${lines.join('; ')}`;
}

function valueAt(raw: Record<string, unknown>, path: (string | number)[]): unknown {
  let node: unknown = raw;
  for (const segment of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
}
