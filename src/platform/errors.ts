/**
 * Errors, three tiers (see STYLE.md):
 * 1. expected outcomes are values (`Result`),
 * 2. at the HTTP edge one `AppError` with a code mapped to a status,
 * 3. bugs throw; every switch over a union ends in `assertNever`.
 */

export type Result<T, E = Problem> = { ok: true; value: T } | { ok: false; error: E };

/** An expected failure: a stable machine code and a sentence a person can act on. */
export interface Problem {
  code: string;
  message: string;
}

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
export const fail = (code: string, message: string): { ok: false; error: Problem } => ({
  ok: false,
  error: { code, message },
});

export type AppErrorCode =
  | 'bad_request'
  | 'invalid_json'
  | 'invalid_utf8'
  | 'too_deep'
  | 'payload_too_large'
  | 'unsupported_encoding'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'validation_failed'
  | 'unavailable'
  | 'internal';

const STATUS: Record<AppErrorCode, number> = {
  bad_request: 400,
  invalid_json: 400,
  invalid_utf8: 400,
  too_deep: 400,
  payload_too_large: 413,
  unsupported_encoding: 415,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  validation_failed: 422,
  unavailable: 503,
  internal: 500,
};

export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly details: unknown;
  constructor(code: AppErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }
  get status(): number {
    return STATUS[this.code];
  }
}

export function assertNever(x: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(x)}`);
}
