/**
 * Kubernetes `Status` failures (`kind: Status`, `status: Failure`, `reason`, `code`, `details`),
 * thrown by handlers and written by the server. Nothing a client sends becomes a 500.
 */
export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Expired'
  | 'Invalid'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'UnsupportedMediaType'
  | 'InternalError';

const codes: Record<StatusReason, number> = {
  BadRequest: 400,
  Unauthorized: 401,
  NotFound: 404,
  MethodNotAllowed: 405,
  NotAcceptable: 406,
  AlreadyExists: 409,
  Conflict: 409,
  Expired: 410,
  UnsupportedMediaType: 415,
  Invalid: 422,
  InternalError: 500,
};

export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
}

export class KubeStatusError extends Error {
  readonly code: number;
  constructor(
    readonly reason: StatusReason,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.code = codes[reason];
  }

  body(): Record<string, unknown> {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

/** `resource` is the plural and group, as Kubernetes names it in messages (`deployments.apps`). */
export const qualified = (plural: string, group: string): string => (group ? `${plural}.${group}` : plural);

export function notFound(plural: string, group: string, name: string): KubeStatusError {
  return new KubeStatusError('NotFound', `${qualified(plural, group)} "${name}" not found`, {
    name,
    group: group || undefined,
    kind: plural,
  });
}

export function alreadyExists(plural: string, group: string, name: string): KubeStatusError {
  return new KubeStatusError('AlreadyExists', `${qualified(plural, group)} "${name}" already exists`, {
    name,
    group: group || undefined,
    kind: plural,
  });
}

export function invalid(kind: string, group: string, name: string, causes: StatusCause[]): KubeStatusError {
  const summary = causes
    .map((cause) => `${cause.field ? `${cause.field}: ` : ''}${cause.message}`)
    .join(', ');
  return new KubeStatusError(
    'Invalid',
    `${kind}${group ? `.${group}` : ''} "${name}" is invalid: ${summary}`,
    {
      name,
      group: group || undefined,
      kind,
      causes,
    },
  );
}

export const resourceNotFound = (): KubeStatusError =>
  new KubeStatusError('NotFound', 'the server could not find the requested resource', {});

export const unauthorized = (): KubeStatusError => new KubeStatusError('Unauthorized', 'Unauthorized');
