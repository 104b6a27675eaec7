import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BENCH_API_KEY = 'tsk_bench_key_0123456789abcdefghij';

export interface BenchServer {
  url: string;
  pid: number;
  dataDir: string;
  child: ChildProcess;
  api<T>(method: string, path: string, body?: unknown): Promise<T>;
  /** Peak resident memory of the server process so far (VmHWM), bytes. */
  peakRss(): number;
  /** CPU seconds (user + system) the server process has used so far. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
    s.on('error', reject);
  });
}

/** Starts the built product (`bin/tessera.js start`) as a user would, on a fresh data directory. */
export async function startBenchServer(
  options: {
    config?: Record<string, unknown>;
    /** Load the demo brand as `npm start` does on an empty data directory (off by default). */
    demo?: boolean;
    env?: Record<string, string>;
  } = {},
): Promise<BenchServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-bench-'));
  const port = await freePort();
  const configArgs: string[] = [];
  if (options.config) {
    const file = join(dataDir, 'bench.config.json');
    writeFileSync(file, JSON.stringify(options.config));
    configArgs.push('--config', file);
  }
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(
    process.execPath,
    [
      ...nodeArgs,
      'bin/tessera.js',
      'start',
      '--data',
      dataDir,
      '--port',
      String(port),
      ...(options.demo ? [] : ['--no-demo']),
      ...configArgs,
    ],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        TESSERA_BOOTSTRAP_API_KEY: BENCH_API_KEY,
        TESSERA_LOG_LEVEL: 'warn',
        ...options.env,
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error('bench server exited at start');
    try {
      if ((await fetch(`${url}/api/v1/health`)).ok) break;
    } catch {
      if (Date.now() > deadline) throw new Error('bench server did not start');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${BENCH_API_KEY}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  return {
    url,
    pid: child.pid!,
    dataDir,
    child,
    api,
    peakRss: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
      return kb ? Number(kb) * 1024 : NaN;
    },
    cpuSeconds: () => {
      // /proc/<pid>/stat fields 14 and 15: utime and stime in clock ticks (100 a second on Linux).
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100;
    },
    stop: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
