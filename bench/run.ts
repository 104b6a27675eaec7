// npm run bench [-- group ...]: runs the named benchmark groups (all when none is named).
import { benchConsole } from './console.js';
import { benchDemo } from './demo.js';
import { benchIdentity } from './identity.js';
import { benchImport } from './import.js';
import { benchIngest } from './ingest.js';
import { benchJourneys } from './journeys.js';
import { benchSegments } from './segments.js';
import { benchTags } from './tags.js';

const GROUPS: Record<string, () => Promise<void>> = {
  ingest: benchIngest,
  import: benchImport,
  demo: benchDemo,
  identity: benchIdentity,
  tags: benchTags,
  segments: benchSegments,
  journeys: benchJourneys,
  console: benchConsole,
};

const asked = process.argv.slice(2);
const unknown = asked.filter((g) => !(g in GROUPS));
if (unknown.length > 0) {
  console.error(
    `unknown benchmark group(s): ${unknown.join(', ')}; known: ${Object.keys(GROUPS).join(', ')}`,
  );
  process.exit(2);
}
for (const name of asked.length > 0 ? asked : Object.keys(GROUPS)) {
  console.log(`== ${name}`);
  await GROUPS[name]!();
}
