/** VCD's paged collections (`page`, `pageSize`, `resultTotal`, `pageCount`, `values`) and an iterator over them. */
import type { VcdClient } from './client.ts';
import type { Fiql } from './fiql.ts';

export interface VcdPage<T> {
  resultTotal: number;
  pageCount: number;
  page: number;
  pageSize: number;
  values: T[];
}

export interface PageQuery {
  page?: number;
  pageSize?: number;
  filter?: Fiql;
  sortAsc?: string;
  sortDesc?: string;
}

/** VCD's documented maximum page size. */
export const MAX_PAGE_SIZE = 128;

export function pageQuery(query: PageQuery): Record<string, string | number | undefined> {
  return {
    page: query.page,
    pageSize: query.pageSize,
    filter: query.filter?.text,
    sortAsc: query.sortAsc,
    sortDesc: query.sortDesc,
  };
}

export async function getPage<T>(
  client: VcdClient,
  path: string,
  query: PageQuery = {},
): Promise<VcdPage<T>> {
  const response = await client.get<Partial<VcdPage<T>>>(path, { query: pageQuery(query) });
  const body = response.body ?? {};
  return {
    resultTotal: body.resultTotal ?? body.values?.length ?? 0,
    pageCount: body.pageCount ?? 1,
    page: body.page ?? query.page ?? 1,
    pageSize: body.pageSize ?? query.pageSize ?? body.values?.length ?? 0,
    values: body.values ?? [],
  };
}

/** Every value of a collection, page by page (stops at `pageCount`, or at an empty page). */
export async function* iteratePages<T>(
  client: VcdClient,
  path: string,
  query: Omit<PageQuery, 'page'> = {},
): AsyncGenerator<T> {
  for (let page = 1; ; page += 1) {
    const result = await getPage<T>(client, path, { pageSize: MAX_PAGE_SIZE, ...query, page });
    for (const value of result.values) yield value;
    if (result.values.length === 0 || page >= result.pageCount) return;
  }
}

export async function listAll<T>(
  client: VcdClient,
  path: string,
  query: Omit<PageQuery, 'page'> = {},
): Promise<T[]> {
  const values: T[] = [];
  for await (const value of iteratePages<T>(client, path, query)) values.push(value);
  return values;
}
