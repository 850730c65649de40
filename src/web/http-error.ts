/**
 * The one error type routes throw. The app's error handler renders it as
 * `{ "error": { "code", "message" } }` for JSON and as a friendly page for HTML.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const badRequest = (code: string, message: string) => new HttpError(400, code, message);
export const notFound = (message = 'Not found') => new HttpError(404, 'not_found', message);
