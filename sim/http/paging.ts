import type { Request, Response } from 'express';
import { fail } from './errors.ts';
import {
  FiqlError,
  matchesFiql,
  parseFiql,
  valuesAt,
  type CustomSelector,
  type FiqlExpression,
} from './fiql.ts';

/** VCD caps `pageSize` at 128; larger values are answered with 128 per page. */
export const maxPageSize = 128;
export const defaultPageSize = 25;

/** VCD's cloudapi page shape. */
export interface Page<V> {
  resultTotal: number;
  pageCount: number;
  page: number;
  pageSize: number;
  associations: null;
  values: V[];
}

export interface PageOptions<T> {
  /** Selectors that are not fields of the served JSON (e.g. `_context`). */
  customSelectors?: Record<string, CustomSelector<T>>;
  defaultPageSize?: number;
  /** Default order when the request gives no sortAsc/sortDesc (VCD lists are stable by id/name). */
  defaultSort?: string;
}

function positiveInteger(req: Request, name: string, fallback: number): number {
  const raw = req.query[name];
  if (raw === undefined) return fallback;
  const text = Array.isArray(raw) ? String(raw[0]) : String(raw);
  if (!/^\d+$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text))) {
    fail('invalidQueryParameter', { name, value: text, reason: 'expected a positive integer' });
  }
  return Number(text);
}

function queryText(req: Request, name: string): string | undefined {
  const raw = req.query[name];
  if (raw === undefined) return undefined;
  return Array.isArray(raw) ? String(raw[0]) : String(raw);
}

/** Parses `filter=` (400 with VCD's body when it is not valid FIQL). */
export function filterOf(req: Request): FiqlExpression | undefined {
  const filter = queryText(req, 'filter');
  if (filter === undefined || filter === '') return undefined;
  try {
    return parseFiql(filter);
  } catch (error) {
    if (error instanceof FiqlError) fail('invalidFilter', { filter, reason: error.message });
    throw error;
  }
}

function sortValue(item: unknown, path: string): unknown {
  return valuesAt(item, path)[0];
}

function compareValues(a: unknown, b: unknown): number {
  if (a === undefined || a === null) return b === undefined || b === null ? 0 : 1;
  if (b === undefined || b === null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const left = String(a);
  const right = String(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

/**
 * Filters, sorts and pages the served representations of a collection, writes VCD's `Link`
 * headers (`nextPage`, `previousPage`, `firstPage`, `lastPage`) and returns the page body.
 */
export function pageOf<V>(
  req: Request,
  res: Response,
  values: Iterable<V>,
  options: PageOptions<V> = {},
): Page<V> {
  const page = positiveInteger(req, 'page', 1);
  const pageSize = Math.min(
    positiveInteger(req, 'pageSize', options.defaultPageSize ?? defaultPageSize),
    maxPageSize,
  );
  const filter = filterOf(req);
  const sortAsc = queryText(req, 'sortAsc');
  const sortDesc = queryText(req, 'sortDesc');
  if (sortAsc && sortDesc) fail('badRequest', { reason: 'Use either sortAsc or sortDesc, not both.' });

  let selected: V[] = [];
  for (const value of values) {
    if (!filter || matchesFiql(filter, value, options.customSelectors)) selected.push(value);
  }
  const sortBy = sortAsc ?? sortDesc ?? options.defaultSort;
  if (sortBy) {
    const direction = sortDesc ? -1 : 1;
    const keyed = selected.map((value) => ({ value, key: sortValue(value, sortBy) }));
    keyed.sort((a, b) => direction * compareValues(a.key, b.key));
    selected = keyed.map((entry) => entry.value);
  }

  const resultTotal = selected.length;
  const pageCount = Math.ceil(resultTotal / pageSize);
  const start = (page - 1) * pageSize;
  writePageLinks(req, res, page, pageSize, pageCount);
  return {
    resultTotal,
    pageCount,
    page,
    pageSize,
    associations: null,
    values: selected.slice(start, start + pageSize),
  };
}

function writePageLinks(
  req: Request,
  res: Response,
  page: number,
  pageSize: number,
  pageCount: number,
): void {
  const base = `${req.protocol}://${req.get('host') ?? 'localhost'}${req.baseUrl}${req.path}`;
  const link = (target: number, rel: string) => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(req.query)) {
      if (key !== 'page' && key !== 'pageSize')
        params.set(key, Array.isArray(value) ? String(value[0]) : String(value));
    }
    params.set('page', String(target));
    params.set('pageSize', String(pageSize));
    return `<${base}?${params.toString()}>;rel="${rel}";type="application/json"`;
  };
  const links: string[] = [];
  if (pageCount > 0) links.push(link(1, 'firstPage'), link(pageCount, 'lastPage'));
  if (page < pageCount) links.push(link(page + 1, 'nextPage'));
  if (page > 1 && page <= pageCount) links.push(link(page - 1, 'previousPage'));
  for (const value of links) res.append('Link', value);
}
