import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { DeadLetter, JourneyInfo, JourneyMetrics } from '../journeys/index.js';
import { addTargetOptions, callApi, resolveTarget, type ServerTarget, type TargetOptions } from './client.js';
import type { CliContext } from './index.js';
import type { MessageKey } from './i18n.js';
import { money, percent, points, printTable, pValue, signedPercent } from './table.js';

type JsonOption = { json?: boolean };
type Issue = { path: string; message: string };
type Test = JourneyMetrics['variantTests'][number]['test'];
type Group = JourneyMetrics['variants'][number];

/** `tessera journeys list|templates|create|activate|pause|archive|metrics|dead-letters`, against the running server. */
export function registerJourneys(program: Command, ctx: CliContext): void {
  const en = ctx.lang === 'en';
  const h = ctx.t;
  const journeys = program
    .command('journeys')
    .description(en ? 'Journeys (marketing automation)' : '旅程（营销自动化）');
  const json = (c: Command): Command =>
    c.option('--json', en ? 'print the server’s JSON' : '输出服务端返回的 JSON');

  addTargetOptions(
    json(
      journeys
        .command('list')
        .description(en ? 'Every journey and how many people are in it now' : '列出全部旅程及当前人数'),
    ),
  ).action(async (opts: TargetOptions & JsonOption) => {
    const target = resolveTarget(ctx, opts);
    const { journeys: rows } = await api<{ journeys: JourneyInfo[] }>(ctx, target, 'GET', '/api/v1/journeys');
    if (opts.json) {
      ctx.out(JSON.stringify(rows, null, 2));
      return;
    }
    if (rows.length === 0) {
      ctx.out(h('journeysNone'));
      return;
    }
    printTable(
      ctx,
      [
        h('journeyColId'),
        h('journeyColName'),
        h('journeyColStatus'),
        h('journeyColVersion'),
        h('journeyColInNow'),
      ],
      rows.map((j) => [j.id, j.definition.name, j.status, j.version, j.running.active + j.running.waiting]),
    );
  });

  addTargetOptions(
    json(
      journeys
        .command('templates')
        .description(en ? 'The journeys Tessera ships as templates' : '列出内置旅程模板'),
    ),
  ).action(async (opts: TargetOptions & JsonOption) => {
    const target = resolveTarget(ctx, opts);
    const { templates } = await api<{
      templates: Array<{ key: string; definition: { name?: string; trigger?: { kind?: string } } }>;
    }>(ctx, target, 'GET', '/api/v1/journeys/templates');
    if (opts.json) {
      ctx.out(JSON.stringify(templates, null, 2));
      return;
    }
    printTable(
      ctx,
      [h('journeyColKey'), h('journeyColName'), h('journeyColTrigger')],
      templates.map((t) => [t.key, t.definition.name ?? '', t.definition.trigger?.kind ?? '']),
    );
  });

  addTargetOptions(
    json(
      journeys
        .command('create [file]')
        .description(
          en
            ? 'Create a draft journey from a definition (a JSON file, - for stdin) or from a template'
            : '从定义（JSON 文件，- 为标准输入）或模板创建旅程草稿',
        )
        .option(
          '--template <key>',
          en ? 'a shipped template (see: journeys templates)' : '内置模板键（见 journeys templates）',
        )
        .option(
          '--segment <id>',
          en ? 'with --template: the segment its trigger uses' : '配合 --template：触发所用的人群',
        )
        .option('--name <text>', en ? 'with --template: the journey’s name' : '配合 --template：旅程名称'),
    ),
  ).action(
    async (
      file: string | undefined,
      opts: TargetOptions & JsonOption & { template?: string; segment?: string; name?: string },
    ) => {
      if ((file === undefined) === (opts.template === undefined)) throw new Error(h('journeyCreateSource'));
      if (file !== undefined && (opts.segment !== undefined || opts.name !== undefined))
        throw new Error(h('journeyTemplateOnly'));
      const body =
        file !== undefined
          ? readJson(ctx, file)
          : {
              template: opts.template,
              ...(opts.segment !== undefined ? { segment: opts.segment } : {}),
              ...(opts.name !== undefined ? { name: opts.name } : {}),
            };
      const target = resolveTarget(ctx, opts);
      const r = await createJourney(ctx, target, body);
      if (!r.ok) {
        const lines = [h('journeyInvalid', { status: r.status, message: r.message })];
        for (const i of r.issues) lines.push(`  ${i.path}: ${i.message}`);
        throw new Error(lines.join('\n'));
      }
      if (opts.json) {
        ctx.out(JSON.stringify(r.journey, null, 2));
        return;
      }
      ctx.out(h('journeyCreated', { id: r.journey.id, name: r.journey.definition.name }));
    },
  );

  const statusCommand = (
    verb: 'activate' | 'pause' | 'archive',
    done: MessageKey,
    description: string,
  ): void => {
    addTargetOptions(journeys.command(`${verb} <id>`).description(description)).action(
      async (id: string, opts: TargetOptions) => {
        const target = resolveTarget(ctx, opts);
        const j = await api<JourneyInfo>(
          ctx,
          target,
          'POST',
          `/api/v1/journeys/${journeyPath(ctx, id)}/${verb}`,
        );
        ctx.out(h(done, { id: j.id, version: j.version }));
      },
    );
  };
  statusCommand(
    'activate',
    'journeyActivated',
    en ? 'Start a journey: its trigger takes people in' : '启用旅程：按触发条件纳入用户',
  );
  statusCommand(
    'pause',
    'journeyPaused',
    en ? 'Stop taking people in; those inside go on' : '暂停旅程：不再纳入新用户，已在其中的继续',
  );
  statusCommand(
    'archive',
    'journeyArchived',
    en ? 'End a journey: nobody enters, everyone inside exits' : '归档旅程：不再纳入，已在其中的全部退出',
  );

  addTargetOptions(
    json(
      journeys
        .command('metrics <id>')
        .description(
          en
            ? 'Totals, steps, A/B tests and the holdout of one journey'
            : '查看旅程的总体、各步骤、A/B 测试与对照组效果',
        ),
    ),
  ).action(async (id: string, opts: TargetOptions & JsonOption) => {
    const target = resolveTarget(ctx, opts);
    const path = `/api/v1/journeys/${journeyPath(ctx, id)}`;
    const m = await api<JourneyMetrics>(ctx, target, 'GET', `${path}/metrics`);
    if (opts.json) {
      ctx.out(JSON.stringify(m, null, 2));
      return;
    }
    const j = await api<JourneyInfo>(ctx, target, 'GET', path);
    printMetrics(ctx, j, m);
  });

  addTargetOptions(
    json(
      journeys
        .command('dead-letters')
        .description(
          en
            ? 'Sends that gave up; --retry sends them again'
            : '查看发送失败（死信）的消息；--retry 重新发送',
        )
        .option('--retry', en ? 'requeue every one listed' : '重新发送列出的全部消息')
        .option('--limit <n>', en ? 'how many, newest first' : '条数（最新优先）', '100'),
    ),
  ).action(async (opts: TargetOptions & JsonOption & { retry?: boolean; limit: string }) => {
    const limit = Number(opts.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
      throw new Error(h('journeyBadLimit', { limit: opts.limit }));
    const target = resolveTarget(ctx, opts);
    const { deadLetters } = await api<{ deadLetters: DeadLetter[] }>(
      ctx,
      target,
      'GET',
      `/api/v1/journeys/dead-letters?limit=${limit}`,
    );
    let requeued: number | null = null;
    if (opts.retry && deadLetters.length > 0) {
      const keys = deadLetters.map((d) => d.key);
      ({ requeued } = await api<{ requeued: number }>(
        ctx,
        target,
        'POST',
        '/api/v1/journeys/dead-letters/retry',
        { keys },
      ));
    }
    if (opts.json) {
      ctx.out(JSON.stringify(requeued === null ? { deadLetters } : { deadLetters, requeued }, null, 2));
      return;
    }
    if (deadLetters.length === 0) {
      ctx.out(h('deadLettersNone'));
      return;
    }
    printTable(
      ctx,
      [
        h('deadColFailedAt'),
        h('deadColJourney'),
        h('stepColStep'),
        h('deadColChannel'),
        h('deadColProfile'),
        h('deadColAttempts'),
        h('deadColReason'),
        h('deadColKey'),
      ],
      deadLetters.map((d) => [
        d.failed_at,
        d.journey_id,
        d.step_id,
        d.channel,
        d.profile_id,
        d.attempts,
        d.reason ?? '',
        d.key,
      ]),
    );
    if (requeued !== null) ctx.out(h('deadLettersRequeued', { requeued, listed: deadLetters.length }));
  });
}

/**
 * The id as a path segment. A value that cannot be a journey id is refused here, so the message
 * names it rather than a route the server does not have.
 */
function journeyPath(ctx: CliContext, id: string): string {
  if (!/^jny_[a-z0-9]{1,40}$/.test(id)) throw new Error(ctx.t('journeyBadId', { id }));
  return id;
}

/** `callApi`, with a server that cannot be reached named in the message. */
function api<T>(
  ctx: CliContext,
  target: ServerTarget,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  return reachable(ctx, target, () => callApi<T>(ctx, target, method, path, body));
}

/** fetch rejects with a bare "fetch failed" when nothing answers; its cause says why (ECONNREFUSED, ENOTFOUND…). */
async function reachable<T>(ctx: CliContext, target: ServerTarget, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (!(err instanceof TypeError) || err.message !== 'fetch failed') throw err;
    const cause = err.cause as { code?: string; message?: string } | undefined;
    const reason = cause?.code ?? cause?.message ?? err.message;
    throw new Error(ctx.t('serverUnreachable', { url: target.url, reason }), { cause: err });
  }
}

function readJson(ctx: CliContext, file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (err) {
    throw new Error(ctx.t('fileUnreadable', { file, reason: (err as Error).message }), { cause: err });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new Error(ctx.t('fileNotJson', { file, reason: (err as Error).message }), { cause: err });
  }
}

/**
 * POST /api/v1/journeys. Not `callApi`: a rejected definition is an expected outcome, and the
 * person needs the server's issues (the error's `details`), not only its message.
 */
async function createJourney(
  ctx: CliContext,
  target: ServerTarget,
  body: unknown,
): Promise<
  { ok: true; journey: JourneyInfo } | { ok: false; status: number; message: string; issues: Issue[] }
> {
  const response = await reachable(ctx, target, () =>
    fetch(`${target.url}/api/v1/journeys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${target.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  );
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON (a proxy's page, say): the text is the message
  }
  if (response.ok) return { ok: true, journey: parsed as JourneyInfo };
  const error = (parsed as { error?: { message?: string; details?: unknown } } | null)?.error;
  const issues = Array.isArray(error?.details)
    ? (error.details as unknown[]).filter(
        (i): i is Issue =>
          typeof i === 'object' &&
          i !== null &&
          typeof (i as Issue).path === 'string' &&
          typeof (i as Issue).message === 'string',
      )
    : [];
  return {
    ok: false,
    status: response.status,
    message: error?.message ?? (text || response.statusText),
    issues,
  };
}

function printMetrics(ctx: CliContext, j: JourneyInfo, m: JourneyMetrics): void {
  const h = ctx.t;
  const none = h('metricsNone');
  ctx.out(h('metricsTitle', { name: j.definition.name, id: j.id, status: j.status, version: j.version }));
  ctx.out('');
  ctx.out(h('metricsTotals'));
  const exits = Object.entries(m.exits)
    .sort((a, b) => b[1] - a[1])
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ');
  printTable(
    ctx,
    null,
    [
      [h('metricsEntered'), m.entered],
      [h('metricsWaiting'), m.waiting],
      [h('metricsConverted'), m.converted],
      [h('metricsConversionRate'), percent(m.entered ? m.converted / m.entered : null)],
      [h('metricsRevenuePerProfile'), money(m.revenuePerProfile)],
      [h('metricsExits'), exits || none],
    ],
    '  ',
  );

  ctx.out('');
  ctx.out(h('metricsSteps'));
  printTable(
    ctx,
    [
      h('stepColStep'),
      h('stepColKind'),
      h('stepColReached'),
      h('metricsWaiting'),
      h('stepColSent'),
      h('stepColDelivered'),
      h('stepColOpened'),
      h('stepColClicked'),
      h('stepColFailed'),
    ],
    m.steps.map((s) => [
      s.stepId,
      s.kind,
      s.reached,
      s.waiting,
      s.sent,
      s.delivered,
      s.opened,
      s.clicked,
      s.failed,
    ]),
    '  ',
  );

  const groupHeader = [
    h('groupColGroup'),
    h('metricsEntered'),
    h('metricsConverted'),
    h('metricsConversionRate'),
    h('metricsRevenuePerProfile'),
  ];
  const groupRow = (g: Group, label = g.name): Array<string | number> => [
    label,
    g.entered,
    g.converted,
    percent(g.conversionRate),
    money(g.revenuePerProfile),
  ];
  const testHeader = (level: number): string[] => [
    h('testColComparison'),
    h('testColBaselineRate'),
    h('testColVariantRate'),
    h('testColLift'),
    h('testColPValue'),
    h('testColInterval', { level: `${Math.round(level * 100)} %` }),
  ];
  const testRow = (label: string, t: Test): Array<string | number> => [
    label,
    percent(t.rateA),
    percent(t.rateB),
    t.relativeLift === null ? '—' : signedPercent(t.relativeLift),
    pValue(t.pValue),
    t.interval === null ? '—' : `[${points(t.interval[0])}, ${points(t.interval[1])}]`,
  ];

  ctx.out('');
  ctx.out(h('metricsAb'));
  if (m.variants.length === 0) ctx.out(`  ${h('metricsAbNone')}`);
  else {
    printTable(
      ctx,
      groupHeader,
      m.variants.map((g) => groupRow(g)),
      '  ',
    );
    if (m.variantTests.length > 0) {
      ctx.out('');
      printTable(
        ctx,
        testHeader(m.variantTests[0]!.test.confidence),
        m.variantTests.map((c) =>
          testRow(h('comparisonVs', { variant: c.variant, baseline: c.baseline }), c.test),
        ),
        '  ',
      );
    }
  }

  ctx.out('');
  ctx.out(h('metricsHoldout'));
  if (!m.holdout) ctx.out(`  ${h('metricsHoldoutNone')}`);
  else {
    const held = h('groupHoldout');
    const treated = h('groupTreated');
    printTable(
      ctx,
      groupHeader,
      [groupRow(m.holdout.holdout, held), groupRow(m.holdout.treated, treated)],
      '  ',
    );
    ctx.out('');
    printTable(
      ctx,
      testHeader(m.holdout.test.confidence),
      [testRow(h('comparisonVs', { variant: treated, baseline: held }), m.holdout.test)],
      '  ',
    );
  }
  ctx.out('');
  ctx.out(h('metricsFootnote'));
}
