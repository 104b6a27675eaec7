import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

/** One measured figure, as DESIGN.md's fixed contract shapes bench/results.json. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  target: string | null;
  machine: string;
  date: string;
  /** Whether the figure meets its target (null when there is none). */
  met?: boolean | null;
  note?: string;
}

const RESULTS = fileURLToPath(new URL('./results.json', import.meta.url));
const MARKDOWN = fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url));

export function machine(): string {
  const cpu = cpus()[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown CPU';
  return `${cpus().length} cores (${cpu}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}`;
}

export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** Merges new figures into results.json (replacing same-named ones) and rewrites BENCHMARKS.md. */
export function record(results: Array<Omit<BenchResult, 'machine' | 'date'>>): void {
  const previous: BenchResult[] = existsSync(RESULTS)
    ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as BenchResult[])
    : [];
  const names = new Set(results.map((r) => r.name));
  const stamp = { machine: machine(), date: today() };
  const merged = [...previous.filter((r) => !names.has(r.name)), ...results.map((r) => ({ ...r, ...stamp }))];
  merged.sort((a, b) => a.name.localeCompare(b.name));
  writeFileSync(RESULTS, `${JSON.stringify(merged, null, 2)}\n`);
  writeFileSync(MARKDOWN, renderMarkdown(merged));
}

const fmt = (v: number): string =>
  Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : Number(v.toPrecision(3)).toString();

function renderMarkdown(results: BenchResult[]): string {
  const lines = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (`npm run bench -- <group>` for one group); the same figures are in',
    '`bench/results.json`. Each row carries the machine and the date it was measured on.',
    '',
    '| figure | value | unit | target | met | machine | date | note |',
    '| --- | ---: | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of results) {
    const met = r.met === undefined || r.met === null ? '' : r.met ? 'yes' : '**no**';
    lines.push(
      `| ${r.name} | ${fmt(r.value)} | ${r.unit} | ${r.target ?? ''} | ${met} | ${r.machine} | ${r.date} | ${r.note ?? ''} |`,
    );
  }
  lines.push(
    '',
    'Where the figures miss their targets, `docs/performance.md` says where the time goes and what would close the gap.',
  );
  return `${lines.join('\n')}\n`;
}
