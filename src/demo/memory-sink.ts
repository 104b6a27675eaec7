import type {
  CrmMemberRow,
  DemoManifest,
  DemoSink,
  GroundTruthRow,
  PersonRow,
  PosOrderRow,
  SegmentMessage,
  TmallOrderRow,
} from './types.js';

/** Keeps everything in memory: for tests and small demos (a few thousand people). */
export class MemorySink implements DemoSink {
  readonly data = {
    events: [] as SegmentMessage[],
    tickets: [] as SegmentMessage[],
    crmMembers: [] as CrmMemberRow[],
    posOrders: [] as PosOrderRow[],
    tmallOrders: [] as TmallOrderRow[],
    groundTruth: [] as GroundTruthRow[],
    people: [] as PersonRow[],
  };
  manifest: DemoManifest | undefined;

  events(messages: readonly SegmentMessage[]): void {
    for (const x of messages) this.data.events.push(x);
  }
  tickets(messages: readonly SegmentMessage[]): void {
    for (const x of messages) this.data.tickets.push(x);
  }
  crmMembers(rows: readonly CrmMemberRow[]): void {
    for (const x of rows) this.data.crmMembers.push(x);
  }
  posOrders(rows: readonly PosOrderRow[]): void {
    for (const x of rows) this.data.posOrders.push(x);
  }
  tmallOrders(rows: readonly TmallOrderRow[]): void {
    for (const x of rows) this.data.tmallOrders.push(x);
  }
  groundTruth(rows: readonly GroundTruthRow[]): void {
    for (const x of rows) this.data.groundTruth.push(x);
  }
  people(rows: readonly PersonRow[]): void {
    for (const x of rows) this.data.people.push(x);
  }
  close(manifest: DemoManifest): void {
    this.manifest = manifest;
  }
}
