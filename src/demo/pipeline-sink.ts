import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import type { Importer, ImportSummary, Mapping } from '../collect/index.js';
import { csvLine, csvRows } from './csv.js';
import {
  CRM_MEMBER_COLUMNS,
  POS_ORDER_COLUMNS,
  TMALL_ORDER_COLUMNS,
  type CrmMemberRow,
  type DemoManifest,
  type DemoSink,
  type PosOrderRow,
  type SegmentMessage,
  type TmallOrderRow,
} from './types.js';

/** One of the demo's files on its way through the importer, as a stream of text. */
class Feed {
  readonly stream = new PassThrough();
  readonly done: Promise<ImportSummary>;
  /** Set once the import has stopped reading (finished early or failed): later text is dropped. */
  private stopped = false;

  constructor(run: (input: PassThrough) => Promise<ImportSummary>) {
    this.done = run(this.stream);
    // Surface a failed import at close(), not as an unhandled rejection now.
    this.done.then(
      () => (this.stopped = true),
      () => (this.stopped = true),
    );
  }

  async write(text: string): Promise<void> {
    if (this.stopped || text.length === 0 || this.stream.write(text)) return;
    await Promise.race([once(this.stream, 'drain'), this.done.catch(() => undefined)]);
  }

  end(): Promise<ImportSummary> {
    this.stream.end();
    return this.done;
  }
}

export interface PipelineSinkTarget {
  importer: Importer;
  workspaceId: string;
  /** Source per file: online tracking, service desk, CRM, POS, Tmall. */
  sourceIds: Record<'events' | 'tickets' | 'crm' | 'pos' | 'tmall', string>;
  mappings: Record<'events' | 'crm-members' | 'orders' | 'tmall-orders', Mapping>;
}

/**
 * Loads the demo brand into a Tessera in this process: every file goes through the same
 * importer (and so the same mapping, governance and dedup) a brand's own exports would.
 * The ground truth and the people table stay out of the store; they are for scoring.
 */
export class PipelineSink implements DemoSink {
  private readonly feeds: Record<'events' | 'tickets' | 'crm' | 'pos' | 'tmall', Feed>;
  summaries: ImportSummary[] = [];

  constructor(target: PipelineSinkTarget) {
    const feed = (
      key: keyof PipelineSinkTarget['sourceIds'],
      preset: keyof PipelineSinkTarget['mappings'],
      fileName: string,
    ): Feed =>
      new Feed((input) =>
        target.importer.run(input, {
          workspaceId: target.workspaceId,
          sourceId: target.sourceIds[key],
          mapping: target.mappings[preset],
          presetName: preset,
          fileName,
        }),
      );
    this.feeds = {
      events: feed('events', 'events', 'demo/events.jsonl'),
      tickets: feed('tickets', 'events', 'demo/service_tickets.jsonl'),
      crm: feed('crm', 'crm-members', 'demo/crm_members.csv'),
      pos: feed('pos', 'orders', 'demo/pos_orders.csv'),
      tmall: feed('tmall', 'tmall-orders', 'demo/tmall_orders.csv'),
    };
    // Headers first, as the exports have them.
    void this.feeds.crm.write(csvLine(CRM_MEMBER_COLUMNS));
    void this.feeds.pos.write(csvLine(POS_ORDER_COLUMNS));
    void this.feeds.tmall.write(csvLine(TMALL_ORDER_COLUMNS));
  }

  private static jsonl(messages: readonly SegmentMessage[]): string {
    let out = '';
    for (const m of messages) out += `${JSON.stringify(m)}\n`;
    return out;
  }

  events(messages: readonly SegmentMessage[]): Promise<void> {
    return this.feeds.events.write(PipelineSink.jsonl(messages));
  }
  tickets(messages: readonly SegmentMessage[]): Promise<void> {
    return this.feeds.tickets.write(PipelineSink.jsonl(messages));
  }
  crmMembers(rows: readonly CrmMemberRow[]): Promise<void> {
    return this.feeds.crm.write(csvRows(CRM_MEMBER_COLUMNS, rows));
  }
  posOrders(rows: readonly PosOrderRow[]): Promise<void> {
    return this.feeds.pos.write(csvRows(POS_ORDER_COLUMNS, rows));
  }
  tmallOrders(rows: readonly TmallOrderRow[]): Promise<void> {
    return this.feeds.tmall.write(csvRows(TMALL_ORDER_COLUMNS, rows));
  }
  groundTruth(): void {}
  people(): void {}

  async close(_manifest: DemoManifest): Promise<void> {
    this.summaries = await Promise.all(Object.values(this.feeds).map((f) => f.end()));
  }
}
