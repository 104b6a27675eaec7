/**
 * The demo brand: a seeded, deterministic generator of an omnichannel beauty brand's customers
 * (website, app, WeChat mini-program, stores, Tmall, CRM, customer service) with hard cases in
 * stated proportions and the ground truth beside the data. See README.md in this folder.
 */

/** Generates the demo person by person into any sink (in-process, constant memory). */
export { generateDemo, DEFAULT_AS_OF, type GenerateDemoOptions } from './generate.js';
/** Writes the demo files into a directory with worker threads (byte-identical to `FileSink`). */
export { writeDemoFiles, type WriteDemoFilesOptions } from './parallel.js';
/** A sink that writes the files of the fixed format into a directory. */
export { FileSink } from './file-sink.js';
/** A sink that keeps everything in memory (tests, small demos). */
export { MemorySink } from './memory-sink.js';
/** Reads a demo directory back (tests and scoring of small demos). */
export { readDemoDir, unwrapOrderId, type DemoDataset } from './read.js';
/** Pairwise precision, recall and F1 of identity resolution against the ground truth. */
export { scorePairwise, type PairwiseScore } from './score.js';
/** Hard-case proportions: defaults, option schema, resolution. */
export {
  DEFAULT_PROPORTIONS,
  demoOptionsSchema,
  resolveProportions,
  type DemoOptions,
  type HardCaseProportions,
} from './proportions.js';
/** The built-in lifecycle definition the ground truth's `lifecycle` column follows. */
export { lifecycleStage, LIFECYCLE_THRESHOLDS } from './purchases.js';
/** The brand's catalogue (for readers of the order files). */
export {
  BRAND,
  CATEGORIES,
  PRODUCTS,
  PRODUCT_BY_SKU,
  PRODUCT_BY_TMALL_TITLE,
  type Category,
  type Product,
} from './data/products.js';
export * from './types.js';
/** Loads the demo brand into this process's Tessera through the importer (first start). */
export { loadDemo, type LoadDemoOptions, type LoadDemoResult } from './load-demo.js';
