import {
  loadMapping,
  type Importer,
  type ImportSummary,
  type Mapping,
  type SourceRegistry,
} from '../collect/index.js';
import { generateDemo } from './generate.js';
import { PipelineSink } from './pipeline-sink.js';
import type { DemoManifest, DemoSink, GroundTruthRow } from './types.js';

export interface LoadDemoOptions {
  importer: Importer;
  sources: SourceRegistry;
  workspaceId: string;
  people: number;
  seed: number;
  onProgress?: (progress: { people: number; events: number }) => void;
  /** Receives the ground truth as it is made (for scoring what was loaded). */
  onGroundTruth?: (rows: readonly GroundTruthRow[]) => void;
}

export interface LoadDemoResult {
  manifest: DemoManifest;
  imports: ImportSummary[];
  seconds: number;
}

async function preset(name: string): Promise<Mapping> {
  const loaded = await loadMapping(name);
  if (!loaded.ok) throw new Error(`the ${name} preset cannot be loaded: ${loaded.error.message}`);
  return loaded.value;
}

/** Generates the demo brand and loads it through the importer, one source per channel. */
export async function loadDemo(options: LoadDemoOptions): Promise<LoadDemoResult> {
  const started = performance.now();
  const source = (name: string, kind: string) =>
    options.sources.findOrCreate(options.workspaceId, name, kind);
  const sink = new PipelineSink({
    importer: options.importer,
    workspaceId: options.workspaceId,
    sourceIds: {
      events: (await source('青妍 官网 · App · 小程序 (demo)', 'web')).id,
      tickets: (await source('青妍 客服系统 (demo)', 'service')).id,
      crm: (await source('青妍 CRM 会员 (demo)', 'crm')).id,
      pos: (await source('青妍 门店 POS (demo)', 'pos')).id,
      tmall: (await source('青妍 天猫旗舰店 (demo)', 'ecommerce')).id,
    },
    mappings: {
      events: await preset('events'),
      'crm-members': await preset('crm-members'),
      orders: await preset('orders'),
      'tmall-orders': await preset('tmall-orders'),
    },
  });
  const onTruth = options.onGroundTruth;
  const tapped: DemoSink = onTruth
    ? {
        events: (m) => sink.events(m),
        tickets: (m) => sink.tickets(m),
        crmMembers: (r) => sink.crmMembers(r),
        posOrders: (r) => sink.posOrders(r),
        tmallOrders: (r) => sink.tmallOrders(r),
        groundTruth: (rows) => onTruth(rows),
        people: () => sink.people(),
        close: (m) => sink.close(m),
      }
    : sink;
  const summary = await generateDemo(
    { seed: options.seed, people: options.people },
    tapped,
    options.onProgress,
  );
  return {
    manifest: summary.manifest,
    imports: sink.summaries,
    seconds: (performance.now() - started) / 1000,
  };
}
