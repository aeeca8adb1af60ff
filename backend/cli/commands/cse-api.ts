/**
 * What the automation commands share: a connection to VCD's public API with an API token (`--vcd`, `--token`,
 * `--org` or `CSE_VCD_URL`, `CSE_VCD_API_TOKEN`, `CSE_VCD_ORG`), calls to our extension API through VCD, output as
 * a table or JSON, and failures printed as one line with a non-zero exit.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { VcdClient } from '../../vcd/client.ts';
import { VcdError } from '../../vcd/errors.ts';

export interface ConnectionFlags {
  vcd?: string;
  token?: string;
  org?: string;
}

export type OutputFormat = 'table' | 'json';

export function addConnectionOptions(command: Command, defaultOrg = 'System'): Command {
  return command
    .option('--vcd <url>', 'VCD base URL (default: CSE_VCD_URL)')
    .option('--token <token>', 'VCD API token (default: CSE_VCD_API_TOKEN)')
    .option('--org <org>', `org of the API token (default: CSE_VCD_ORG or ${defaultOrg})`);
}

export function addOutputOption(command: Command): Command {
  return command.option('-o, --output <format>', 'table or json', parseOutput, 'table');
}

function parseOutput(value: string): OutputFormat {
  if (value !== 'table' && value !== 'json') throw new InvalidArgumentError('expected table or json');
  return value;
}

/** A one-line failure a person can act on. */
export class CliError extends Error {
  override readonly name = 'CliError';
}

export function connect(flags: ConnectionFlags, defaultOrg = 'System'): VcdClient {
  const url = flags.vcd ?? process.env['CSE_VCD_URL'];
  const token = flags.token ?? process.env['CSE_VCD_API_TOKEN'];
  if (!url) throw new CliError('no VCD URL: give --vcd URL or set CSE_VCD_URL');
  if (!token) throw new CliError('no API token: give --token TOKEN or set CSE_VCD_API_TOKEN');
  return new VcdClient({
    url,
    org: flags.org ?? process.env['CSE_VCD_ORG'] ?? defaultOrg,
    apiToken: token,
    retries: 1,
  });
}

export interface CseResponse<T> {
  status: number;
  body: T;
  etag?: string;
}

/** Calls `/api/cse/v1<path>` through VCD. */
export async function cse<T>(
  vcd: VcdClient,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  options: {
    body?: unknown;
    query?: Record<string, string | undefined>;
    headers?: Record<string, string>;
  } = {},
): Promise<CseResponse<T>> {
  const response = await vcd.request<T>({
    method,
    path: `/api/cse/v1${path}`,
    accept: 'application/json',
    body: options.body,
    query: options.query,
    headers: options.headers,
    // Our API's refusals are final; only VCD being away is worth another try.
    retry: method === 'GET' ? 'transient' : 'never',
  });
  return { status: response.status, body: response.body, etag: response.etag };
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Columns padded to their widest cell. */
export function printTable(
  headers: string[],
  rows: (string | number | boolean | null | undefined)[][],
): void {
  const cells = [
    headers,
    ...rows.map((row) => row.map((cell) => (cell === null || cell === undefined ? '-' : String(cell)))),
  ];
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => row[column]!.length)));
  for (const row of cells) {
    process.stdout.write(
      `${row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('  ')
        .trimEnd()}\n`,
    );
  }
}

export function describeFailure(error: unknown): string {
  if (error instanceof VcdError) {
    const where = error.operation ? ` (${error.operation})` : '';
    return `${error.message} [${error.status} ${error.minorErrorCode}]${error.status >= 500 || error.status === 0 ? where : ''}`;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Runs a command body; any failure is one line on stderr and exit status 1. */
export function action<A extends unknown[]>(
  body: (...args: A) => Promise<void>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await body(...args);
    } catch (error) {
      process.stderr.write(`cse: ${describeFailure(error)}\n`);
      process.exit(1);
    }
  };
}
