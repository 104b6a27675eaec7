import { Liquid, LiquidError, type Template } from 'liquidjs';
import { ok, type Result } from '../platform/errors.js';

/**
 * Message templates in Liquid (https://liquidjs.com), shared by every channel: an email subject,
 * body and html, an SMS text, a push title. Templates are written by marketers in the console and
 * rendered with data that came from end users (traits, event properties), so the engine is locked
 * down: no file system (no include/render/layout at all), unknown filters are parse errors, a
 * render has a time budget, and html parts escape every output unless the author writes `| raw`.
 */

export interface TemplateParts {
  subject?: string;
  body?: string;
  html?: string;
}

export interface TemplateContext {
  profile: {
    id: string;
    traits: Record<string, unknown>;
    tags: readonly string[] | Record<string, unknown>;
    computedTraits: Record<string, unknown>;
  };
  event?: { name: string; properties: Record<string, unknown> };
  journey?: Record<string, unknown>;
  links?: Record<string, string>;
}

export interface TemplateOptions {
  /** Wall-clock budget per part (liquidjs `renderLimit`), so a hostile loop cannot stall a send. */
  renderLimitMs?: number;
  /** Largest template accepted, in characters (liquidjs `parseLimit`). */
  maxTemplateChars?: number;
}

export type RenderedParts = { [K in keyof TemplateParts]?: string };

/** A template problem a marketer can act on: which part, what, and where (1-based). */
export interface TemplateProblem {
  code: 'template_syntax' | 'template_render';
  part: keyof TemplateParts;
  message: string;
  line: number | null;
  column: number | null;
}

export interface TemplatePreview {
  rendered: RenderedParts;
  /** Dotted paths the template reads that the profile/event does not have, e.g. `traits.city`. */
  missing: string[];
}

const PARTS = ['subject', 'body', 'html'] as const satisfies readonly (keyof TemplateParts)[];
const DEFAULT_RENDER_LIMIT_MS = 1_000;
const DEFAULT_MAX_TEMPLATE_CHARS = 100_000;
/** Tags that would read other templates; templates here are self-contained, so they are refused. */
const FORBIDDEN_TAGS = ['include', 'render', 'layout'] as const;

function createEngine(escapeHtml: boolean, options: TemplateOptions): Liquid {
  const engine = new Liquid({
    // An empty in-memory mapping means Liquid never touches the file system, whatever a tag asks.
    templates: {},
    strictFilters: true,
    // Missing values are normal (a profile without a city); they render empty, `default` fills them.
    strictVariables: false,
    ownPropertyOnly: true,
    outputEscape: escapeHtml ? 'escape' : undefined,
    parseLimit: options.maxTemplateChars ?? DEFAULT_MAX_TEMPLATE_CHARS,
    renderLimit: options.renderLimitMs ?? DEFAULT_RENDER_LIMIT_MS,
  });
  for (const name of FORBIDDEN_TAGS) {
    // Throwing at parse time turns the attempt into a syntax problem with its position.
    engine.registerTag(name, {
      parse() {
        throw new Error(`the "${name}" tag is not allowed in message templates`);
      },
      render() {
        return '';
      },
    });
  }
  return engine;
}

/**
 * Engines are cheap but not free; options rarely vary, so keep one pair per option set.
 * Keyed by the two numbers, which is all that differs.
 */
const engines = new Map<string, Liquid>();
function engineFor(part: keyof TemplateParts, options: TemplateOptions): Liquid {
  const escape = part === 'html';
  const key = `${escape}:${options.renderLimitMs ?? ''}:${options.maxTemplateChars ?? ''}`;
  let engine = engines.get(key);
  if (!engine) {
    engine = createEngine(escape, options);
    engines.set(key, engine);
  }
  return engine;
}

function toProblem(code: TemplateProblem['code'], part: keyof TemplateParts, err: unknown): TemplateProblem {
  if (err instanceof LiquidError) {
    const [line, column] = err.token.getPosition();
    // liquidjs appends ", line:N, col:M"; the position is reported in its own fields.
    const message = err.message.replace(/, line:\d+, col:\d+$/, '');
    return { code, part, message, line: line ?? null, column: column ?? null };
  }
  return { code, part, message: err instanceof Error ? err.message : String(err), line: null, column: null };
}

type Parsed = { [K in keyof TemplateParts]?: Template[] };

/** Parses every given part; the first bad one is the problem reported. */
export function parseTemplate(
  template: TemplateParts,
  options: TemplateOptions = {},
): Result<Parsed, TemplateProblem> {
  const parsed: Parsed = {};
  for (const part of PARTS) {
    const source = template[part];
    if (source === undefined) continue;
    try {
      parsed[part] = engineFor(part, options).parse(source);
    } catch (err) {
      return { ok: false, error: toProblem('template_syntax', part, err) };
    }
  }
  return ok(parsed);
}

/**
 * The scope templates see: the profile's parts at the top level (`traits.name`, `tags`,
 * `computed.ltv`) so marketers need not write `profile.traits.name`, plus `profile` itself.
 */
export function templateScope(context: TemplateContext): Record<string, unknown> {
  return {
    profile: context.profile,
    traits: context.profile.traits,
    tags: context.profile.tags,
    computed: context.profile.computedTraits,
    computedTraits: context.profile.computedTraits,
    event: context.event,
    journey: context.journey,
    links: context.links,
  };
}

async function renderParsed(
  parsed: Parsed,
  scope: Record<string, unknown>,
  options: TemplateOptions,
): Promise<Result<RenderedParts, TemplateProblem>> {
  const rendered: RenderedParts = {};
  for (const part of PARTS) {
    const tpl = parsed[part];
    if (tpl === undefined) continue;
    try {
      rendered[part] = String(await engineFor(part, options).render(tpl, scope));
    } catch (err) {
      return { ok: false, error: toProblem('template_render', part, err) };
    }
  }
  return ok(rendered);
}

/** Renders subject, body and html; html outputs are escaped, text and SMS outputs are not. */
export async function renderTemplate(
  template: TemplateParts,
  context: TemplateContext,
  options: TemplateOptions = {},
): Promise<Result<RenderedParts, TemplateProblem>> {
  const parsed = parseTemplate(template, options);
  if (!parsed.ok) return parsed;
  return renderParsed(parsed.value, templateScope(context), options);
}

type Segments = ReturnType<Liquid['globalVariableSegmentsSync']>;

/** Follows a variable's static path; a dynamic index (`traits[key]`) ends the walk as "known". */
function lookup(scope: unknown, segments: Segments[number]): { found: boolean; path: string } {
  let value = scope;
  const names: string[] = [];
  for (const segment of segments) {
    if (typeof segment !== 'string' && typeof segment !== 'number')
      return { found: true, path: names.join('.') };
    names.push(String(segment));
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, segment)) {
      // Liquid's `size`, `first` and `last` work on arrays and strings without being properties.
      const special = segment === 'size' || segment === 'first' || segment === 'last';
      return { found: special && (Array.isArray(value) || typeof value === 'string'), path: names.join('.') };
    }
    value = (value as Record<string | number, unknown>)[segment];
    // Report the first missing step (`journey`, not `journey.step`), which is what to fix.
    if (value === undefined) return { found: false, path: names.join('.') };
  }
  return { found: value !== undefined, path: names.join('.') };
}

/**
 * Renders against a real profile for the console preview and lists the variables it read that
 * were missing, including those a `default` covered, so the marketer sees what fell back.
 */
export async function previewTemplate(
  template: TemplateParts,
  context: TemplateContext,
  options: TemplateOptions = {},
): Promise<Result<TemplatePreview, TemplateProblem>> {
  const parsed = parseTemplate(template, options);
  if (!parsed.ok) return parsed;
  const scope = templateScope(context);
  const missing = new Set<string>();
  for (const part of PARTS) {
    const tpl = parsed.value[part];
    if (tpl === undefined) continue;
    for (const segments of engineFor(part, options).globalVariableSegmentsSync(tpl)) {
      const { found, path } = lookup(scope, segments);
      if (!found) missing.add(path);
    }
  }
  const rendered = await renderParsed(parsed.value, scope, options);
  if (!rendered.ok) return rendered;
  return ok({ rendered: rendered.value, missing: [...missing].sort() });
}

export interface CompiledTemplate {
  /** Top-level paths the template reads (`traits.city`, `tags.rfm_class`, `event.properties.x`). */
  variables: string[][];
  render(context: TemplateContext): Promise<Result<RenderedParts, TemplateProblem>>;
}

/** Parses once for many renders (a journey step sends the same template to many people). */
export function compileTemplate(
  template: TemplateParts,
  options: TemplateOptions = {},
): Result<CompiledTemplate, TemplateProblem> {
  const parsed = parseTemplate(template, options);
  if (!parsed.ok) return parsed;
  const variables: string[][] = [];
  for (const part of PARTS) {
    const tpl = parsed.value[part];
    if (tpl === undefined) continue;
    for (const segments of engineFor(part, options).globalVariableSegmentsSync(tpl)) {
      const names: string[] = [];
      for (const s of segments) {
        if (typeof s !== 'string' && typeof s !== 'number') break;
        names.push(String(s));
      }
      variables.push(names);
    }
  }
  return ok({
    variables,
    render: (context) => renderParsed(parsed.value, templateScope(context), options),
  });
}
