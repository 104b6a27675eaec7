import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { AppError } from '../platform/errors.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Turns a request body into JSON the way real clients send it: gzip/deflate/br by header or
 * by gzip's magic bytes (some SDKs gzip without saying so, or label gzipped JSON as form data),
 * size checked after decompression (no zip bombs), UTF-8 checked strictly, nesting depth checked
 * before parsing. Every failure is an AppError that names the problem.
 */
export function decodeJsonBody(
  body: Buffer,
  contentEncoding: string | undefined,
  limits: { maxBytes: number; maxDepth: number },
): unknown {
  const raw = decompress(body, contentEncoding?.trim().toLowerCase(), limits.maxBytes);
  if (raw.length > limits.maxBytes) {
    throw new AppError(
      'payload_too_large',
      `request body is ${raw.length} bytes after decompression; the limit is ${limits.maxBytes} bytes`,
    );
  }
  if (raw.length === 0) throw new AppError('invalid_json', 'request body is empty; expected a JSON object');
  const depth = maxNesting(raw, limits.maxDepth);
  if (depth > limits.maxDepth) {
    throw new AppError('too_deep', `JSON nesting is deeper than the limit of ${limits.maxDepth} levels`);
  }
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw new AppError('invalid_utf8', 'request body is not valid UTF-8');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new AppError('invalid_json', `request body is not valid JSON: ${(err as Error).message}`);
  }
}

function decompress(body: Buffer, encoding: string | undefined, maxBytes: number): Buffer {
  const gzipMagic = body.length >= 2 && body[0] === 0x1f && body[1] === 0x8b;
  const method = encoding && encoding !== 'identity' ? encoding : gzipMagic ? 'gzip' : 'identity';
  // One byte over the limit is enough to know it is too large.
  const opts = { maxOutputLength: maxBytes + 1 };
  try {
    switch (method) {
      case 'identity':
        return body;
      case 'gzip':
      case 'x-gzip':
        return gunzipSync(body, opts);
      case 'deflate':
        return inflateSync(body, opts);
      case 'br':
        return brotliDecompressSync(body, opts);
      default:
        throw new AppError(
          'unsupported_encoding',
          `Content-Encoding "${method}" is not supported; use gzip, deflate, br or none`,
        );
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new AppError(
        'payload_too_large',
        `request body is larger than ${maxBytes} bytes after decompression`,
      );
    }
    throw new AppError('bad_request', `request body is not valid ${method} data: ${(err as Error).message}`);
  }
}

/**
 * The deepest nesting of objects/arrays in a JSON text, scanning the raw bytes only until
 * `stopAbove` is passed. Strings are skipped (brackets inside them do not count). Scanning
 * bytes is exact for UTF-8: quote, backslash and brackets are ASCII and never occur inside a
 * multi-byte sequence.
 */
export function maxNesting(bytes: Uint8Array, stopAbove: number): number {
  let depth = 0;
  let max = 0;
  const n = bytes.length;
  for (let i = 0; i < n; i++) {
    const c = bytes[i]!;
    if (c === 0x22) {
      // Skip the string: to the next quote that is not escaped.
      for (i++; i < n; i++) {
        const d = bytes[i]!;
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) {
        max = depth;
        if (max > stopAbove) return max;
      }
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}
