// Runs the CLI from source (through tsx) so tests need no build step.
import { main } from '../../src/app.js';

process.exitCode = await main(process.argv.slice(2), process.env);
