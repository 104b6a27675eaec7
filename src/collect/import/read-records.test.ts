import { Readable } from 'node:stream';
import { TextDecoder } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseMapping, type Mapping } from './mapping-schema.js';
import { readRecords, type ReadItem, type ReadOptions } from './read-records.js';

/** A GBK encoder for fixtures, built from the platform's GB18030 decoder (Node has no GBK encoder). */
function gbkEncoder(): (text: string) => Buffer {
  const table = new Map<string, number>();
  const decoder = new TextDecoder('gb18030');
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      const ch = decoder.decode(Uint8Array.of(lead, trail));
      if (ch.length === 1 && !table.has(ch)) table.set(ch, (lead << 8) | trail);
    }
  }
  return (text) => {
    const bytes: number[] = [];
    for (const ch of text) {
      const code = ch.codePointAt(0)!;
      if (code < 0x80) bytes.push(code);
      else {
        const gbk = table.get(ch);
        if (gbk === undefined) throw new Error(`not in GBK: ${ch}`);
        bytes.push(gbk >> 8, gbk & 0xff);
      }
    }
    return Buffer.from(bytes);
  };
}
const encodeGbk = gbkEncoder();

function mapping(json: Record<string, unknown>): Mapping {
  const parsed = parseMapping({
    name: 'test',
    kind: 'profiles',
    format: 'csv',
    description: { en: 'test', 'zh-CN': '测试' },
    fields: { 'externalIds.member_no': ['member_no', '会员编号'], 'traits.name': ['name', '姓名'] },
    ...json,
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
  return parsed.value;
}

const csvMapping = mapping({});
const jsonlMapping = mapping({ format: 'jsonl' });

/** Every chunk boundary a stream could produce, here: pieces of `size` bytes. */
function chunks(bytes: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

async function readAll(
  input: Buffer | string | Buffer[],
  m: Mapping,
  options?: ReadOptions,
): Promise<ReadItem[]> {
  const parts = Array.isArray(input) ? input : [typeof input === 'string' ? Buffer.from(input) : input];
  const items: ReadItem[] = [];
  for await (const item of readRecords(Readable.from(parts), m, options)) items.push(item);
  return items;
}

const records = (items: ReadItem[]): unknown[] => items.flatMap((i) => (i.record ? [{ ...i.record }] : []));

describe('readRecords (CSV)', () => {
  const text = '会员编号,姓名\nM001,张三\nM002,"李四, 小李"\n';
  const expected = [
    { 会员编号: 'M001', 姓名: '张三' },
    { 会员编号: 'M002', 姓名: '李四, 小李' },
  ];

  it('reads UTF-8 with and without a BOM', async () => {
    expect(records(await readAll(text, csvMapping))).toEqual(expected);
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
    expect(records(await readAll(bom, csvMapping))).toEqual(expected);
    // A BOM wins over a declared gb18030 encoding.
    expect(records(await readAll(bom, csvMapping, { encoding: 'gb18030' }))).toEqual(expected);
  });

  it('reads GBK, declared or detected, split at every byte', async () => {
    const gbk = encodeGbk(text);
    expect(gbk.length).toBeLessThan(Buffer.byteLength(text));
    for (const size of [1, 2, 3, 7]) {
      expect(records(await readAll(chunks(gbk, size), csvMapping, { encoding: 'gb18030' }))).toEqual(
        expected,
      );
      expect(records(await readAll(chunks(gbk, size), csvMapping))).toEqual(expected);
    }
  });

  it('detects GBK after the first 64 KiB have been sniffed', async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => `M${i},会员${i}号`).join('\n');
    const gbk = encodeGbk(`会员编号,姓名\n${rows}\n`);
    expect(gbk.length).toBeGreaterThan(64 * 1024);
    const items = await readAll(chunks(gbk, 4096), csvMapping);
    expect(items).toHaveLength(5000);
    expect(items[4999]).toMatchObject({ record: { 会员编号: 'M4999', 姓名: '会员4999号' }, line: 5001 });
  });

  it('hints at GBK when a UTF-8 mapping reads a garbled header', async () => {
    const m = mapping({
      csv: { encoding: 'utf8' },
      fields: { 'externalIds.member_no': { from: '会员编号', required: true } },
    });
    const items = await readAll(encodeGbk(text), m);
    expect(items).toHaveLength(1);
    expect(items[0]!.error).toMatchObject({ code: 'missing_columns', fatal: true });
    expect(items[0]!.error!.message).toMatch(/is the file GBK\? set csv.encoding to "gb18030"/);
  });

  it('reports bytes read, ending at the input size', async () => {
    const bytes = Buffer.from(text);
    const items = await readAll(chunks(bytes, 10), csvMapping);
    expect(items.at(-1)!.bytesRead).toBe(bytes.length);
    expect(items.map((i) => i.bytesRead)).toEqual([...items.map((i) => i.bytesRead)].sort((a, b) => a - b));
  });

  it('strips spreadsheet armour and renames headers to the mapping spelling', async () => {
    const items = await readAll(' Member No ,NAME\n="0123",\tAnn \n', csvMapping);
    expect(records(items)).toEqual([{ member_no: '0123', name: 'Ann' }]);
  });

  it('reports broken rows with their line and goes on', async () => {
    const broken = [
      'member_no,name,city',
      'M1,Ann,上海',
      'M2,"Bob',
      'M3,Cid,北京,extra',
      'M4,Dee',
      'M5,"Eve\nSecond line",广州',
      'M6,Fay,深圳,,',
      ',,',
      'M7,Gus,"杭州"',
    ].join('\r\n');
    const items = await readAll(broken, csvMapping);
    const summary = items.map((i) =>
      i.error ? `${i.line}:${i.error.code}` : `${i.line}:${String(i.record.member_no)}`,
    );
    expect(summary).toEqual([
      '2:M1',
      '3:csv_syntax',
      '4:csv_column_count',
      '5:csv_column_count',
      '6:M5',
      '8:M6',
      '10:M7',
    ]);
    expect(items[1]).toMatchObject({ raw: 'M2,"Bob' });
    expect(items[2]).toMatchObject({
      raw: 'M3,Cid,北京,extra',
      error: { message: 'row has 4 fields, the header has 3' },
    });
    expect(items[4]!.record).toEqual({ member_no: 'M5', name: 'Eve\nSecond line', city: '广州' });
  });

  it('accepts short rows with relaxColumnCount', async () => {
    const items = await readAll(
      'member_no,name,city\nM4,Dee\n',
      mapping({ csv: { relaxColumnCount: true } }),
    );
    expect(records(items)).toEqual([{ member_no: 'M4', name: 'Dee' }]);
  });

  it('stops with one fatal error when a required column is missing', async () => {
    const m = mapping({
      fields: { 'externalIds.member_no': { from: ['member_no', '会员编号'], required: true } },
    });
    const items = await readAll('name,phone\nAnn,1\nBob,2\n', m);
    expect(items).toEqual([
      {
        error: {
          code: 'missing_columns',
          message: expect.stringContaining('externalIds.member_no (member_no / 会员编号)'),
          fatal: true,
        },
        line: 1,
        bytesRead: expect.any(Number),
      },
    ]);
  });

  it('stops with a fatal error when the header row is broken', async () => {
    const items = await readAll('"member_no" x,name\nM1,Ann\n', csvMapping);
    expect(items).toEqual([
      {
        error: {
          code: 'csv_syntax',
          message: expect.stringMatching(/^the header row cannot be read/),
          fatal: true,
        },
        line: 1,
        bytesRead: expect.any(Number),
        raw: '"member_no" x,name',
      },
    ]);
  });

  it('closes the input when the reader stops early', async () => {
    const input = Readable.from(['member_no\n', 'M1\n', 'M2\n', 'M3\n']);
    for await (const item of readRecords(input, csvMapping)) {
      expect(item.record).toEqual({ member_no: 'M1' });
      break;
    }
    expect(input.destroyed).toBe(true);
  });

  it('reads other delimiters', async () => {
    const items = await readAll('member_no;name\nM1;"A;B"\n', mapping({ csv: { delimiter: ';' } }));
    expect(records(items)).toEqual([{ member_no: 'M1', name: 'A;B' }]);
  });

  it('gives duplicate and empty headers unique names', async () => {
    const items = await readAll('member_no,name,name,\nM1,a,b,c\n', csvMapping);
    expect(records(items)).toEqual([{ member_no: 'M1', name: 'a', name_2: 'b', column_4: 'c' }]);
  });
});

describe('readRecords (JSONL)', () => {
  it('reads one object per line, skipping blank lines and reporting bad ones', async () => {
    const text = [
      '{"type":"track","event":"A"}',
      '',
      '{"type":"track",',
      '[1,2]',
      '   ',
      '{"type":"identify","userId":"u1"}',
    ].join('\n');
    const items = await readAll(chunks(Buffer.from(text), 5), jsonlMapping);
    expect(items.map((i) => (i.error ? `${i.line}:${i.error.code}` : `${i.line}:ok`))).toEqual([
      '1:ok',
      '3:invalid_json',
      '4:not_an_object',
      '6:ok',
    ]);
    expect(items[1]).toMatchObject({ raw: '{"type":"track",' });
    expect(items[3]!.record).toEqual({ type: 'identify', userId: 'u1' });
  });

  it('reads CRLF lines and a BOM', async () => {
    const items = await readAll('\ufeff{"a":1}\r\n{"a":2}\r\n', jsonlMapping);
    expect(records(items)).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it('skips a line that is too long, in bounded memory', async () => {
    const long = `{"a":"${'x'.repeat(5000)}"}`;
    const items = await readAll(chunks(Buffer.from(`{"a":1}\n${long}\n{"a":3}\n`), 100), jsonlMapping, {
      maxRecordChars: 1000,
    });
    expect(items.map((i) => (i.error ? `${i.line}:${i.error.code}` : `${i.line}:ok`))).toEqual([
      '1:ok',
      '2:record_too_large',
      '3:ok',
    ]);
  });
});
