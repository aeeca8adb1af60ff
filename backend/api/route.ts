/**
 * A route of the `/api/cse` API: everything the dispatcher and the OpenAPI document need, declared once.
 */
import type { ExtensionRequest } from '../bus/envelope.ts';
import type { Principal, RouteScope } from './auth.ts';
import type { QueryParameter, QueryValues } from './query.ts';

export type JsonSchema = Record<string, unknown>;
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteContext {
  request: ExtensionRequest;
  principal: Principal;
  /** Path parameters, decoded. */
  params: Record<string, string>;
  query: QueryValues;
  /** The parsed and validated JSON body (routes with `body`). */
  body: unknown;
}

export interface ApiResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A body problem: the field (JSON pointer-ish path or label) and the rule it breaks. */
export interface BodyProblem {
  field: string;
  reason: string;
}

export interface RouteBody {
  schema: JsonSchema;
  /** Returns the problems of a parsed body; empty when valid. */
  validate(body: unknown): BodyProblem[];
}

export interface Route {
  method: HttpMethod;
  /** `/api/cse/v1/clusters/{id}`: `{name}` is a path parameter matching one segment. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  /** The right the caller needs; `null` for open routes (about, the OpenAPI document). */
  right: string | null;
  scope: RouteScope;
  pathParameters?: Record<string, { description: string; pattern?: string }>;
  query?: readonly QueryParameter[];
  body?: RouteBody;
  /** Success responses by status; error responses come from the catalogue. */
  responses: Record<number, { description: string; schema?: JsonSchema }>;
  /** Error names (from the catalogue) this route can answer besides the common ones. */
  errors?: readonly string[];
  handler(context: RouteContext): Promise<ApiResult>;
}
