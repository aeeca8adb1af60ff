import type { RequestHandler } from 'express';
import { fail, isLegacyPath } from './errors.ts';

declare module 'express-serve-static-core' {
  interface Request {
    /** API version from `Accept: …;version=x.y`; the newest supported one when none was sent. */
    apiVersion: string;
  }
}

/** Reads `version=` from any media range of an Accept header. */
export function requestedVersion(accept: string | undefined): string | undefined {
  if (!accept) return undefined;
  for (const range of accept.split(',')) {
    const match = /;\s*version\s*=\s*"?([^;",\s]+)"?/i.exec(range);
    if (match) return match[1];
  }
  return undefined;
}

/**
 * API version negotiation: an unsupported version answers VCD's 406 everywhere; the legacy
 * `/api/**` needs a version (cloudapi works without one), except `/api/versions` and the paths
 * `isExempt` accepts (API-extension URLs, which VCD passes through to the extension).
 */
export function negotiateApiVersion(
  supported: readonly string[],
  isExempt: (path: string) => boolean,
): RequestHandler {
  const newest = supported[supported.length - 1]!;
  const known = new Set(supported);
  return (req, _res, next) => {
    const version = requestedVersion(req.get('accept'));
    const legacy = isLegacyPath(req.path) && !req.path.startsWith('/api/versions');
    const applies = (legacy || req.path.startsWith('/cloudapi/')) && !isExempt(req.path);
    if (applies && version !== undefined && !known.has(version)) {
      fail('unsupportedVersion', { version, supported: supported.join(', ') });
    }
    if (applies && legacy && version === undefined) fail('missingVersion');
    req.apiVersion = version !== undefined && known.has(version) ? version : newest;
    next();
  };
}
