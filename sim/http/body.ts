import express, { type RequestHandler } from 'express';
import type { ZodType, ZodTypeDef } from 'zod';
import { fail } from './errors.ts';

/** Default JSON body limit; VCD refuses larger bodies with 413. */
export const defaultJsonBodyLimit = 4 * 1024 * 1024;

/**
 * JSON bodies for cloudapi (`application/json`) and the legacy API (`application/*+json`).
 * Parse and size errors become VCD errors in the error middleware (`errorMiddleware`).
 */
export function jsonBodies(limitBytes = defaultJsonBodyLimit): RequestHandler {
  return express.json({ limit: limitBytes, type: ['application/json', 'application/*+json'], strict: false });
}

/** `application/x-www-form-urlencoded` for the OAuth endpoints. */
export function formBodies(limitBytes = 64 * 1024): RequestHandler {
  return express.urlencoded({ limit: limitBytes, extended: false });
}

interface ZodIssueLike {
  code: string;
  path: (string | number)[];
  message: string;
  keys?: string[];
  expected?: unknown;
  received?: unknown;
}

/**
 * Validates a request body against a zod schema (use `.strict()` where VCD rejects unknown
 * fields). Failures answer 400 with VCD's body naming the first bad field.
 */
export function parseBody<T>(schema: ZodType<T, ZodTypeDef, unknown>, body: unknown): T {
  if (body === undefined)
    fail('invalidBody', { reason: 'a JSON body (Content-Type: application/json) is required' });
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0] as ZodIssueLike;
  const where = issue.path.join('.');
  if (issue.code === 'unrecognized_keys' && issue.keys?.length) {
    fail('unknownField', { field: where ? `${where}.${issue.keys[0]}` : issue.keys[0]! });
  }
  if (issue.code === 'invalid_type') {
    fail('invalidBody', {
      reason: `${where || 'body'}: expected ${String(issue.expected)}, got ${String(issue.received)}`,
    });
  }
  fail('invalidBody', { reason: `${where || 'body'}: ${issue.message}` });
}
