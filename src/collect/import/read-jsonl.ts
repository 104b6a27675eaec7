/** JSON Lines → records: one JSON object per line, blank lines skipped. */
import { decodeText } from './decode.js';
import type { ByteSource, ReadError, ReadItem, ReadOptions } from './read-records.js';

const DEFAULT_MAX_RECORD_CHARS = 16 << 20;

function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 0xfeff) return false;
  }
  return true;
}

function tooLarge(max: number): ReadError {
  return { code: 'record_too_large', message: `line longer than ${max} characters` };
}

function preview(text: string): string {
  return text.length > 1000 ? `${text.slice(0, 1000)}…` : text;
}

export async function* readJsonl(
  input: ByteSource,
  options: ReadOptions,
): AsyncGenerator<ReadItem, void, undefined> {
  const max = options.maxRecordChars ?? DEFAULT_MAX_RECORD_CHARS;
  let buf = '';
  let line = 1;
  let bytesRead = 0;
  /** Inside an over-long line: drop text until its end. */
  let skipping = false;

  function* lines(final: boolean): Generator<ReadItem, void, undefined> {
    let pos = 0;
    for (;;) {
      let nl = buf.indexOf('\n', pos);
      if (nl === -1) {
        if (!final || pos >= buf.length) break;
        nl = buf.length;
      }
      const text = buf.slice(pos, nl > pos && buf.charCodeAt(nl - 1) === 13 ? nl - 1 : nl);
      pos = nl + 1;
      const at = line++;
      if (skipping) {
        skipping = false;
        continue;
      }
      if (isBlank(text)) continue;
      if (text.length > max) {
        yield { error: tooLarge(max), line: at, bytesRead, raw: preview(text) };
        continue;
      }
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (err) {
        const message = err instanceof SyntaxError ? err.message : String(err);
        yield { error: { code: 'invalid_json', message }, line: at, bytesRead, raw: text };
        continue;
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        yield {
          error: { code: 'not_an_object', message: 'the line is JSON but not an object' },
          line: at,
          bytesRead,
          raw: text,
        };
        continue;
      }
      yield { record: value as Record<string, unknown>, line: at, bytesRead };
    }
    buf = pos >= buf.length ? '' : buf.slice(pos);
    if (buf.length > max) {
      if (!skipping) {
        skipping = true;
        yield { error: tooLarge(max), line, bytesRead, raw: preview(buf) };
      }
      buf = '';
    }
  }

  for await (const chunk of decodeText(input, options.encoding ?? 'auto')) {
    buf = buf.length === 0 ? chunk.text : buf + chunk.text;
    bytesRead = chunk.bytesRead;
    yield* lines(false);
  }
  yield* lines(true);
}
