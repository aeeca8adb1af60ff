import type { ExtensionResponse } from './envelope.ts';

/** A JSON response. */
export function jsonResponse(
  statusCode: number,
  value: unknown,
  headers: Record<string, string> = {},
): ExtensionResponse {
  return {
    statusCode,
    headers: { 'Content-Type': 'application/json', ...headers },
    body: Buffer.from(JSON.stringify(value)),
  };
}

/** A VCD-style JSON error (`minorErrorCode`, `message`; never a stack trace). */
export function vcdErrorResponse(
  statusCode: number,
  minorErrorCode: string,
  message: string,
): ExtensionResponse {
  return jsonResponse(statusCode, { minorErrorCode, message });
}
