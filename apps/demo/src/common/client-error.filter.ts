import {
  type ArgumentsHost,
  Catch,
  HttpException,
  HttpStatus,
} from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';

/**
 * A client error raised below Nest (body-parser's `413 request entity too large`, `400`
 * malformed JSON) is answered as Nest answers it, but as the HttpException it is: Nest's
 * default handler logs any non-HttpException at error level with its stack, so an oversized
 * body read as a server fault. The request line (warn, 4xx) is what records it now.
 * Everything else goes to Nest's default handling unchanged.
 */
@Catch()
export class ClientErrorFilter extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): void {
    const status = clientErrorStatus(exception);
    if (status === undefined) return super.catch(exception, host);
    const message =
      (exception as { expose?: boolean }).expose === true &&
      exception instanceof Error
        ? exception.message
        : (HttpStatus[status] ?? 'Bad Request');
    super.catch(
      new HttpException({ statusCode: status, message }, status, {
        cause: exception,
      }),
      host,
    );
  }
}

/** The 4xx status of an http-errors-style error (body-parser, Fastify), if that is what it is. */
function clientErrorStatus(exception: unknown): number | undefined {
  if (exception instanceof HttpException || !(exception instanceof Error))
    return undefined;
  const { status, statusCode } = exception as {
    status?: unknown;
    statusCode?: unknown;
  };
  const code = typeof status === 'number' ? status : statusCode;
  return typeof code === 'number' && code >= 400 && code < 500
    ? code
    : undefined;
}
