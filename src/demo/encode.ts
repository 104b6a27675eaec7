import { ByteWriter } from './byte-writer.js';
import { DATA_FILE_KEYS, type DataFileKey } from './file-sink.js';
import type { OutputBatch } from './person-writer.js';
import { MessageSerializer } from './serialize.js';
import {
  CRM_MEMBER_COLUMNS,
  GROUND_TRUTH_COLUMNS,
  PEOPLE_COLUMNS,
  POS_ORDER_COLUMNS,
  TMALL_ORDER_COLUMNS,
} from './types.js';

/**
 * Encodes batches into each file's bytes — exactly what `FileSink` writes for the same batches.
 * Encoding small batches as they fill keeps few objects alive, which keeps garbage collection cheap.
 */
export class BatchEncoder {
  private readonly serializer = new MessageSerializer();
  private readonly writers: Record<DataFileKey, ByteWriter> = {
    events: new ByteWriter(),
    tickets: new ByteWriter(),
    crmMembers: new ByteWriter(),
    posOrders: new ByteWriter(),
    tmallOrders: new ByteWriter(),
    groundTruth: new ByteWriter(),
    people: new ByteWriter(),
  };

  /** Appends the batch's records and empties the batch. */
  add(batch: OutputBatch): void {
    const w = this.writers;
    w.events.appendMessages(this.serializer, batch.events);
    w.tickets.appendMessages(this.serializer, batch.tickets);
    w.crmMembers.appendRows(CRM_MEMBER_COLUMNS, batch.crmMembers);
    w.posOrders.appendRows(POS_ORDER_COLUMNS, batch.posOrders);
    w.tmallOrders.appendRows(TMALL_ORDER_COLUMNS, batch.tmallOrders);
    w.groundTruth.appendRows(GROUND_TRUTH_COLUMNS, batch.groundTruth);
    w.people.appendRows(PEOPLE_COLUMNS, batch.people);
    batch.events.length = 0;
    batch.tickets.length = 0;
    batch.crmMembers.length = 0;
    batch.posOrders.length = 0;
    batch.tmallOrders.length = 0;
    batch.groundTruth.length = 0;
    batch.people.length = 0;
  }

  /** Everything encoded so far, per file, as chunks; the encoder is empty afterwards. */
  take(): Record<DataFileKey, Buffer[]> {
    const out = {} as Record<DataFileKey, Buffer[]>;
    for (const key of DATA_FILE_KEYS) out[key] = this.writers[key].takeChunks();
    return out;
  }
}
