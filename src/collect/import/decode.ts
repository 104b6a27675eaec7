/**
 * Bytes → text, chunk by chunk (constant memory). Chinese Excel exports are often GBK; GB18030
 * is its superset, so one decoder reads both.
 */
import { TextDecoder } from 'node:util';
import type { Encoding } from './mapping-schema.js';

export interface TextChunk {
  text: string;
  /** Bytes consumed from the input so far, for progress reporting. */
  bytesRead: number;
}

/** Bytes looked at before `auto` decides between UTF-8 and GB18030. */
const SNIFF_BYTES = 64 * 1024;

function hasUtf8Bom(b: Uint8Array): boolean {
  return b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;
}

/** Valid UTF-8 so far (an incomplete sequence at the end is allowed)? */
function isUtf8(b: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/**
 * `auto`: a UTF-8 BOM or valid UTF-8 in the first 64 KiB means UTF-8, anything else GB18030.
 * A UTF-8 BOM wins over a declared `gb18030` (the BOM cannot be GB18030 text).
 */
export function chooseEncoding(declared: Encoding, head: Uint8Array): 'utf-8' | 'gb18030' {
  if (hasUtf8Bom(head)) return 'utf-8';
  switch (declared) {
    case 'utf8':
      return 'utf-8';
    case 'gb18030':
      return 'gb18030';
    case 'auto':
      return isUtf8(head) ? 'utf-8' : 'gb18030';
  }
}

function concat(chunks: readonly Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Decode a byte stream; a leading BOM is dropped. String chunks are passed through. */
export async function* decodeText(
  input: AsyncIterable<Uint8Array | string>,
  encoding: Encoding,
): AsyncGenerator<TextChunk, void, undefined> {
  let decoder: TextDecoder | undefined;
  let bytesRead = 0;
  let first = true;
  const pending: Uint8Array[] = [];
  let pendingBytes = 0;

  const emit = (text: string): string => {
    if (first && text.length > 0) {
      first = false;
      if (text.charCodeAt(0) === 0xfeff) return text.slice(1);
    }
    return text;
  };

  for await (const chunk of input) {
    if (typeof chunk === 'string') {
      bytesRead += Buffer.byteLength(chunk);
      yield { text: emit(chunk), bytesRead };
      continue;
    }
    bytesRead += chunk.length;
    if (decoder === undefined) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes < SNIFF_BYTES && encoding === 'auto') continue;
      const head = concat(pending, pendingBytes);
      pending.length = 0;
      decoder = new TextDecoder(chooseEncoding(encoding, head));
      yield { text: emit(decoder.decode(head, { stream: true })), bytesRead };
      continue;
    }
    yield { text: emit(decoder.decode(chunk, { stream: true })), bytesRead };
  }
  if (decoder === undefined) {
    if (pendingBytes === 0) return;
    const head = concat(pending, pendingBytes);
    decoder = new TextDecoder(chooseEncoding(encoding, head));
    yield { text: emit(decoder.decode(head)), bytesRead };
    return;
  }
  const rest = decoder.decode();
  if (rest.length > 0) yield { text: emit(rest), bytesRead };
}
