import type { ErrorRequestHandler, RequestHandler } from 'express';
import { isLegacyPath, vcdError, VcdHttpError } from './errors.ts';

interface BodyParserError {
  type?: string;
  status?: number;
  limit?: number;
  message?: string;
}

/** Maps anything thrown to a VCD error (body-parser failures included); unknown ones are 500s. */
export function toVcdError(error: unknown): VcdHttpError {
  if (error instanceof VcdHttpError) return error;
  const parserError = error as BodyParserError;
  switch (parserError?.type) {
    case 'entity.parse.failed':
      return vcdError('malformedJson', { reason: parserError.message ?? 'unparseable' });
    case 'entity.too.large':
      return vcdError('bodyTooLarge', { limit: parserError.limit ?? 0 });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return vcdError('unsupportedMediaType', {
        contentType: parserError.message ?? '',
        expected: 'UTF-8 JSON',
      });
    case 'request.aborted':
      return vcdError('badRequest', { reason: 'The request was aborted.' });
  }
  if (typeof parserError?.status === 'number' && parserError.status >= 400 && parserError.status < 500) {
    return vcdError('badRequest', { reason: parserError.message ?? 'Bad request' });
  }
  return vcdError('internal', { reason: (error as Error)?.message ?? String(error) });
}

/** Renders errors as VCD's JSON body: the legacy shape under `/api`, the cloudapi shape elsewhere. */
export const errorMiddleware: ErrorRequestHandler = (error: unknown, req, res, next) => {
  if (res.headersSent) return next(error);
  const vcd = toVcdError(error);
  res.status(vcd.status).json(vcd.body(isLegacyPath(req.path)));
};

/** The last handler: nothing matched. */
export const routeNotFound: RequestHandler = (req, _res, next) => {
  next(vcdError('routeNotFound', { method: req.method, path: req.path }));
};
