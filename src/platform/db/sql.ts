import type { SqlValue } from './duckdb.js';

/**
 * A piece of SQL with its bound values, in the order their `?` placeholders appear. Pieces compose
 * (a fragment inside a fragment keeps its values in place), so a query assembled from compiled
 * parts never has to count placeholders by hand.
 */
export interface Sql {
  readonly text: string;
  readonly params: readonly SqlValue[];
}

const SQL = Symbol('sql');
interface Tagged extends Sql {
  readonly [SQL]: true;
}

export function isSql(x: unknown): x is Sql {
  return typeof x === 'object' && x !== null && SQL in x;
}

function make(text: string, params: readonly SqlValue[]): Sql {
  return { text, params, [SQL]: true } as Tagged;
}

/** `sql\`a = ${v}\``: a value becomes `?` and a bound parameter; a fragment is inlined. */
export function sql(strings: TemplateStringsArray, ...values: ReadonlyArray<SqlValue | Sql>): Sql {
  let text = strings[0]!;
  const params: SqlValue[] = [];
  values.forEach((v, i) => {
    if (isSql(v)) {
      text += v.text;
      params.push(...v.params);
    } else {
      text += '?';
      params.push(v);
    }
    text += strings[i + 1]!;
  });
  return make(text, params);
}

/** Trusted text (a keyword, a compiler-made column name): never anything a user typed. */
export function raw(text: string): Sql {
  return make(text, []);
}

export function join(parts: readonly Sql[], separator: string): Sql {
  return make(
    parts.map((p) => p.text).join(separator),
    parts.flatMap((p) => p.params),
  );
}

/** A quoted identifier; the name must already have passed a whitelist pattern. */
export function ident(name: string): Sql {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`not a safe SQL identifier: ${name}`);
  return make(`"${name}"`, []);
}
