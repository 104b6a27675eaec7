import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import {
  DEMO_FILES,
  type CrmMemberRow,
  type DemoManifest,
  type GroundTruthRow,
  type PersonRow,
  type PosOrderRow,
  type SegmentMessage,
  type TmallOrderRow,
} from './types.js';

/** A demo directory read back into memory (for tests and scoring small demos, not for millions). */
export interface DemoDataset {
  manifest: DemoManifest;
  /** events.jsonl line by line, duplicates included, with the raw line beside the message. */
  events: { line: string; message: SegmentMessage }[];
  tickets: SegmentMessage[];
  crmMembers: CrmMemberRow[];
  posOrders: PosOrderRow[];
  tmallOrders: TmallOrderRow[];
  groundTruth: GroundTruthRow[];
  people: PersonRow[];
}

export async function readDemoDir(dir: string): Promise<DemoDataset> {
  const text = (name: string): Promise<string> => readFile(join(dir, name), 'utf8');
  const csv = async <T>(name: string): Promise<T[]> =>
    parse<T>(await text(name), { columns: true, skip_empty_lines: true });
  const lines = (s: string): string[] => s.split('\n').filter((l) => l.length > 0);
  return {
    manifest: JSON.parse(await text(DEMO_FILES.manifest)) as DemoManifest,
    events: lines(await text(DEMO_FILES.events)).map((line) => ({
      line,
      message: JSON.parse(line) as SegmentMessage,
    })),
    tickets: lines(await text(DEMO_FILES.tickets)).map((line) => JSON.parse(line) as SegmentMessage),
    crmMembers: await csv<CrmMemberRow>(DEMO_FILES.crmMembers),
    posOrders: await csv<PosOrderRow>(DEMO_FILES.posOrders),
    tmallOrders: await csv<TmallOrderRow>(DEMO_FILES.tmallOrders),
    groundTruth: await csv<GroundTruthRow>(DEMO_FILES.groundTruth),
    people: await csv<PersonRow>(DEMO_FILES.people),
  };
}

/** Tmall exports sometimes wrap order numbers as `="3348…"` so spreadsheets keep the digits. */
export function unwrapOrderId(value: string): string {
  const m = /^="(.*)"$/u.exec(value);
  return m?.[1] ?? value;
}
