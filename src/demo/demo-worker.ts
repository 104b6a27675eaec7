import { parentPort, workerData } from 'node:worker_threads';
import { generateBlock, jobContext, type BlockJob } from './block.js';

/** Worker thread of `writeDemoFiles`: generates the blocks it is sent, returns their bytes. */
const port = parentPort;
if (port === null) throw new Error('demo-worker must run in a worker thread');
const job = workerData as BlockJob;
const ctx = jobContext(job);
port.on('message', (block: number) => {
  const result = generateBlock(ctx, job, block);
  // Hand big chunks over without copying. They own their ArrayBuffer; small ones may be slices
  // of Node's shared 8 KiB buffer pool, which must not be transferred, so those are copied.
  const transfer = new Set<ArrayBuffer>();
  for (const chunks of Object.values(result.files)) {
    for (const c of chunks) {
      if (c.byteOffset === 0 && c.buffer.byteLength > 65_536) transfer.add(c.buffer as ArrayBuffer);
    }
  }
  port.postMessage(result, [...transfer]);
});
