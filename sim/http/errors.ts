/**
 * Every error the simulator answers, in one place: a stable code, the HTTP status, VCD's
 * `minorErrorCode` and a message template (`{name}` placeholders). Areas add their entries here.
 */
export const errorCatalogue = {
  badRequest: { status: 400, minorErrorCode: 'BAD_REQUEST', message: '{reason}' },
  malformedJson: {
    status: 400,
    minorErrorCode: 'BAD_REQUEST',
    message: 'Malformed JSON in the request body: {reason}',
  },
  invalidBody: { status: 400, minorErrorCode: 'BAD_REQUEST', message: 'Invalid request body: {reason}' },
  unknownField: { status: 400, minorErrorCode: 'BAD_REQUEST', message: 'Unrecognized field "{field}"' },
  invalidFilter: {
    status: 400,
    minorErrorCode: 'BAD_REQUEST',
    message: 'Invalid filter expression "{filter}": {reason}',
  },
  invalidQueryParameter: {
    status: 400,
    minorErrorCode: 'BAD_REQUEST',
    message: 'Invalid value "{value}" for query parameter {name}: {reason}',
  },
  duplicateName: {
    status: 400,
    minorErrorCode: 'DUPLICATE_NAME',
    message: 'A {kind} with the name "{name}" already exists.',
  },
  busyEntity: {
    status: 400,
    minorErrorCode: 'BUSY_ENTITY',
    message: 'The entity {id} is busy completing an operation.',
  },
  quotaExceeded: { status: 400, minorErrorCode: 'QUOTA_EXCEEDED', message: '{reason}' },
  taskNotCancellable: {
    status: 400,
    minorErrorCode: 'BAD_REQUEST',
    message: 'Task {id} has already completed and cannot be cancelled.',
  },
  notAuthenticated: {
    status: 401,
    minorErrorCode: 'UNAUTHORIZED',
    message: 'Either no credentials were provided or the credentials are invalid.',
  },
  invalidCredentials: {
    status: 401,
    minorErrorCode: 'UNAUTHORIZED',
    message: 'Invalid username or password for {login}.',
  },
  wrongLoginEndpoint: { status: 401, minorErrorCode: 'UNAUTHORIZED', message: '{reason}' },
  tokenExpired: {
    status: 401,
    minorErrorCode: 'UNAUTHORIZED',
    message: 'The access token has expired or the session was logged out.',
  },
  invalidTenantContext: {
    status: 403,
    minorErrorCode: 'ACCESS_TO_RESOURCE_IS_FORBIDDEN',
    message: 'Cannot act in the context of organization {org}.',
  },
  missingRight: {
    status: 403,
    minorErrorCode: 'ACCESS_TO_RESOURCE_IS_FORBIDDEN',
    message:
      'Either you need some or all of the following rights [{rights}] to perform operations [{operation}] or the target entity is invalid.',
  },
  providerOnly: {
    status: 403,
    minorErrorCode: 'ACCESS_TO_RESOURCE_IS_FORBIDDEN',
    message: 'Only a provider (System org) user can {operation}.',
  },
  notFound: { status: 404, minorErrorCode: 'RESOURCE_NOT_FOUND', message: '{kind} {id} does not exist.' },
  routeNotFound: {
    status: 404,
    minorErrorCode: 'RESOURCE_NOT_FOUND',
    message: 'No resource found for {method} {path}',
  },
  methodNotAllowed: {
    status: 405,
    minorErrorCode: 'METHOD_NOT_ALLOWED',
    message: 'Method {method} is not supported on {path}',
  },
  unsupportedVersion: {
    status: 406,
    minorErrorCode: 'NOT_ACCEPTABLE',
    message:
      'The request has invalid accept header: Invalid API version requested: {version}. Supported versions: {supported}',
  },
  missingVersion: {
    status: 406,
    minorErrorCode: 'NOT_ACCEPTABLE',
    message:
      'The request has invalid accept header: no API version given; send Accept: application/*+json;version=<version>',
  },
  conflict: { status: 409, minorErrorCode: 'CONFLICT', message: '{reason}' },
  preconditionFailed: {
    status: 412,
    minorErrorCode: 'PRECONDITION_FAILED',
    message:
      'The object {id} has been modified since it was read (If-Match {etag} does not match); read it again and retry.',
  },
  bodyTooLarge: {
    status: 413,
    minorErrorCode: 'REQUEST_ENTITY_TOO_LARGE',
    message: 'The request body exceeds the limit of {limit} bytes.',
  },
  unsupportedMediaType: {
    status: 415,
    minorErrorCode: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'Unsupported Content-Type {contentType}; send {expected}.',
  },
  preconditionRequired: {
    status: 428,
    minorErrorCode: 'PRECONDITION_REQUIRED',
    message: 'Updating {id} requires an If-Match header with its ETag.',
  },
  // Compute, networking, IP spaces and ALB (sim/api/vapps, network, ip-spaces, alb). Texts guessed.
  notStopped: {
    status: 400,
    minorErrorCode: 'BAD_REQUEST',
    message:
      'The requested operation could not be executed on {kind} "{name}". Stop the {kind} and try again.',
  },
  invalidPowerState: {
    status: 400,
    minorErrorCode: 'BAD_REQUEST',
    message: 'The requested operation is not supported in the current state of {kind} "{name}" ({state}).',
  },
  ipPoolExhausted: {
    status: 400,
    minorErrorCode: 'BAD_REQUEST',
    message: 'Unable to allocate an IP address: the static IP pools of network "{network}" are exhausted.',
  },
  ipAddressInUse: {
    status: 400,
    minorErrorCode: 'BAD_REQUEST',
    message: 'IP address {ip} is already in use on network "{network}".',
  },
  tenantContextRequired: {
    status: 400,
    minorErrorCode: 'BAD_REQUEST',
    message: '{operation} needs an organization context: send X-VMWARE-VCLOUD-TENANT-CONTEXT.',
  },
  ipSpaceQuotaExceeded: {
    status: 400,
    minorErrorCode: 'QUOTA_EXCEEDED',
    message:
      'Cannot allocate {requested} floating IP(s) from IP Space "{ipSpace}": organization "{org}" already has {allocated} of its quota of {quota}.',
  },
  ipSpaceExhausted: {
    status: 400,
    minorErrorCode: 'BAD_REQUEST',
    message: 'IP Space "{ipSpace}" has no free IP addresses for {requested} floating IP(s).',
  },
  ipAllocationInUse: {
    status: 400,
    minorErrorCode: 'BAD_REQUEST',
    message: 'The IP {value} is in use by {usedBy} and cannot be released.',
  },
  albNotEnabled: {
    status: 400,
    minorErrorCode: 'BAD_REQUEST',
    message: 'NSX ALB load balancing is not enabled on Edge Gateway "{gateway}".',
  },
  albSegNotAssigned: {
    status: 400,
    minorErrorCode: 'BAD_REQUEST',
    message: 'Service Engine Group "{seg}" is not assigned to Edge Gateway "{gateway}".',
  },
  albVirtualServiceQuota: {
    status: 400,
    minorErrorCode: 'QUOTA_EXCEEDED',
    message:
      'The maximum number of virtual services ({max}) of Service Engine Group "{seg}" on Edge Gateway "{gateway}" has been reached.',
  },
  albVipNotOnGateway: {
    status: 400,
    minorErrorCode: 'BAD_REQUEST',
    message:
      'Virtual IP {ip} does not belong to Edge Gateway "{gateway}": use an IP of its uplink IP ranges or a floating IP allocated to its organization.',
  },
  albVipConflict: {
    status: 400,
    minorErrorCode: 'BAD_REQUEST',
    message: 'Virtual IP {ip} and port {port} are already used by Virtual Service "{other}".',
  },
  albPoolInUse: {
    status: 400,
    minorErrorCode: 'BAD_REQUEST',
    message: 'Pool "{pool}" is used by Virtual Service "{virtualService}".',
  },
  injectedFault: {
    status: 500,
    minorErrorCode: 'INTERNAL_SERVER_ERROR',
    message: 'Injected fault: {reason}',
  },
  internal: { status: 500, minorErrorCode: 'INTERNAL_SERVER_ERROR', message: 'Internal error: {reason}' },
  badGateway: { status: 502, minorErrorCode: 'BAD_GATEWAY', message: '{reason}' },
  gatewayTimeout: { status: 504, minorErrorCode: 'GATEWAY_TIMEOUT', message: '{reason}' },
} as const satisfies Record<string, { status: number; minorErrorCode: string; message: string }>;

export type ErrorCode = keyof typeof errorCatalogue;

/** VCD cloudapi error body. */
export interface CloudApiErrorBody {
  minorErrorCode: string;
  message: string;
  stackTrace: string | null;
}

/** Legacy `/api` error body (the vCloud `Error` type in JSON). */
export interface LegacyErrorBody extends CloudApiErrorBody {
  majorErrorCode: number;
  vendorSpecificErrorCode: string | null;
}

/** Thrown by handlers; the error middleware renders it as VCD's body for the path's API family. */
export class VcdHttpError extends Error {
  override readonly name = 'VcdHttpError';
  constructor(
    readonly status: number,
    readonly minorErrorCode: string,
    message: string,
    readonly code: ErrorCode | 'custom' = 'custom',
  ) {
    super(message);
  }

  body(legacy: boolean): CloudApiErrorBody | LegacyErrorBody {
    return legacy
      ? {
          majorErrorCode: this.status,
          minorErrorCode: this.minorErrorCode,
          message: this.message,
          vendorSpecificErrorCode: null,
          stackTrace: null,
        }
      : { minorErrorCode: this.minorErrorCode, message: this.message, stackTrace: null };
  }
}

export function formatMessage(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** Builds the catalogue error `code` with its placeholders filled in. */
export function vcdError(code: ErrorCode, params: Record<string, string | number> = {}): VcdHttpError {
  const entry = errorCatalogue[code];
  return new VcdHttpError(entry.status, entry.minorErrorCode, formatMessage(entry.message, params), code);
}

/** `throw fail('notFound', {kind: 'Org', id})` */
export function fail(code: ErrorCode, params: Record<string, string | number> = {}): never {
  throw vcdError(code, params);
}

/** Legacy `/api/**` paths answer the legacy body (with `majorErrorCode`); cloudapi the cloudapi one. */
export function isLegacyPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/');
}
