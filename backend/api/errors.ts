/**
 * The one error catalogue of the `/api/cse` API: every error the API can return has a stable code, an HTTP status
 * and a message template here, and nowhere else. docs/api.md lists the same entries (a test checks both ways).
 * Bodies are VCD-style `{minorErrorCode, message}`; never a stack trace.
 */
import { jsonResponse } from '../bus/responses.ts';
import type { ExtensionResponse } from '../bus/envelope.ts';

export interface ApiErrorEntry {
  status: number;
  code: string;
  /** `{name}` placeholders are filled from the error's parameters. */
  message: string;
}

export const apiErrorCatalogue = {
  notFound: { status: 404, code: 'NOT_FOUND', message: 'No resource at {method} {path}' },
  methodNotAllowed: {
    status: 405,
    code: 'METHOD_NOT_ALLOWED',
    message: '{method} is not allowed on {path}; allowed: {allowed}',
  },
  notAcceptable: {
    status: 406,
    code: 'NOT_ACCEPTABLE',
    message: 'This API answers application/json only, and the request accepts only {accept}',
  },
  invalidQueryParameter: {
    status: 400,
    code: 'INVALID_QUERY_PARAMETER',
    message: 'Query parameter "{parameter}" {reason}',
  },
  unknownQueryParameter: {
    status: 400,
    code: 'UNKNOWN_QUERY_PARAMETER',
    message: 'Query parameter "{parameter}" is not supported here; supported: {supported}',
  },
  unsupportedMediaType: {
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'The request body must be application/json, not {contentType}',
  },
  malformedBody: {
    status: 400,
    code: 'MALFORMED_BODY',
    message: 'The request body is not valid JSON: {reason}',
  },
  missingBody: { status: 400, code: 'MISSING_BODY', message: 'This request needs a JSON body' },
  invalidBody: { status: 400, code: 'INVALID_BODY', message: '{field}: {reason}' },
  bodyTooLarge: {
    status: 413,
    code: 'REQUEST_ENTITY_TOO_LARGE',
    message: 'The request body is {size} bytes, over the limit of {limit} bytes',
  },
  unauthenticated: {
    status: 401,
    code: 'UNAUTHORIZED',
    message: "Cloud Director did not accept the caller's session; log in again",
  },
  missingRight: {
    status: 403,
    code: 'ACCESS_TO_RESOURCE_IS_FORBIDDEN',
    message: 'This operation needs the right "{right}"',
  },
  providerOnly: {
    status: 403,
    code: 'PROVIDER_ONLY',
    message: '{method} {path} is for the service provider only',
  },
  tenantOnly: {
    status: 403,
    code: 'TENANT_ONLY',
    message:
      '{method} {path} acts in one organisation; as a provider, set the tenant context to the organisation',
  },
  vcdForbidden: {
    status: 403,
    code: 'ACCESS_TO_RESOURCE_IS_FORBIDDEN',
    message: 'Cloud Director refused access: {reason}',
  },
  clusterInvalid: {
    status: 400,
    code: 'INVALID_CLUSTER',
    message: 'The cluster cannot be created: {reason}',
  },
  clusterConflict: { status: 409, code: 'CLUSTER_STATE_CONFLICT', message: '{reason}' },
  bootstrapSecretInvalid: {
    status: 403,
    code: 'BOOTSTRAP_SECRET_INVALID',
    message: "The report does not carry this cluster's one-time bootstrap secret",
  },
  invalidBootstrapReport: {
    status: 400,
    code: 'INVALID_BOOTSTRAP_REPORT',
    message: 'Bad bootstrap report: {reason}',
  },
  clusterNotFound: { status: 404, code: 'CLUSTER_NOT_FOUND', message: 'Cluster {id} does not exist' },
  orgNotFound: {
    status: 404,
    code: 'ORG_NOT_FOUND',
    message: 'Organisation "{org}" does not exist or is not a tenant organisation; tenants: {tenants}',
  },
  unknownOrg: {
    status: 400,
    code: 'UNKNOWN_ORG',
    message: 'Organisation "{org}" does not exist or is not a tenant organisation; nothing was changed',
  },
  cseNotInstalled: {
    status: 409,
    code: 'CSE_NOT_INSTALLED',
    message: 'The {what} does not exist in Cloud Director; run cse install first',
  },
  templateNotFound: {
    status: 404,
    code: 'TEMPLATE_NOT_FOUND',
    message: "No vApp template {id} in the provider's catalogs",
  },
  notTkgTemplate: {
    status: 400,
    code: 'NOT_A_TKG_TEMPLATE',
    message: 'vApp template "{name}" ({id}) is not a TKG template: its VM has no VERSION product property',
  },
  expiryInPast: {
    status: 400,
    code: 'EXPIRY_IN_PAST',
    message: 'expiresAt {expiresAt} is in the past; give a future date, or set lifecycle to expired',
  },
  invalidSettings: {
    status: 400,
    code: 'INVALID_SETTINGS',
    message: 'The settings were not saved: {field} {reason}',
  },
  settingsChanged: {
    status: 412,
    code: 'SETTINGS_CHANGED',
    message: 'The settings changed since ETag {etag}; read them again and re-apply your change',
  },
  vcdUnavailable: {
    status: 503,
    code: 'VCD_UNAVAILABLE',
    message: 'Cloud Director did not answer in time; try again ({reason})',
  },
  vcdError: { status: 502, code: 'VCD_ERROR', message: 'Cloud Director refused the request: {reason}' },
  internal: {
    status: 500,
    code: 'INTERNAL_ERROR',
    message: 'Internal error while answering request {requestId}; the worker log has the details',
  },
} as const satisfies Record<string, ApiErrorEntry>;

export type ApiErrorName = keyof typeof apiErrorCatalogue;

export function formatMessage(template: string, parameters: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    parameters[name] === undefined ? whole : String(parameters[name]),
  );
}

/** Thrown by the router and handlers; the router turns it into the catalogue's response. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly entry: ApiErrorEntry;
  constructor(
    readonly errorName: ApiErrorName,
    readonly parameters: Record<string, string | number> = {},
    /** Extra response headers (e.g. `Allow` on 405). */
    readonly headers: Record<string, string> = {},
  ) {
    const entry = apiErrorCatalogue[errorName];
    super(formatMessage(entry.message, parameters));
    this.entry = entry;
  }

  get status(): number {
    return this.entry.status;
  }

  get code(): string {
    return this.entry.code;
  }

  toResponse(): ExtensionResponse {
    return jsonResponse(this.status, { minorErrorCode: this.code, message: this.message }, this.headers);
  }
}
