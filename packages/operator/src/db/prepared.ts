import { createHash } from 'node:crypto';
import pg from 'pg';

/**
 * Distinct statement texts that get a server-side prepared statement. Kysely
 * compiles one query shape to one text, so a node has a few hundred; a text
 * past this bound (e.g. an `in (…)` list of a new length) still runs, unnamed.
 * Bounds the texts this process remembers and the statements each connection
 * keeps on the server.
 */
export const PREPARED_STATEMENTS_MAX = 2_000;

const names = new Map<string, string>();

/**
 * The prepared-statement name for a parameterised text, or undefined once the
 * bound is reached. A name is a hash of the text, so every connection of the
 * process prepares a text under the same name and the name cannot collide with
 * another text.
 */
export function preparedName(text: string): string | undefined {
  const known = names.get(text);
  if (known !== undefined) return known;
  if (names.size >= PREPARED_STATEMENTS_MAX) return undefined;
  const name = `t_${createHash('sha256').update(text).digest('base64url').slice(0, 24)}`;
  names.set(text, name);
  return name;
}

/**
 * A pg client that runs every parameterised query as a named prepared
 * statement: the server parses and plans each text once per connection instead
 * of on every call, which is most of its CPU for the small OLTP statements of
 * a trading session. Texts without parameters (BEGIN, COMMIT, DDL, migrations
 * made of several statements) keep the simple protocol, where a name is not
 * allowed.
 */
export class PreparingClient extends pg.Client {
  // biome-ignore lint/suspicious/noExplicitAny: pg's query() is a set of overloads; this only rewrites the (text, values) form.
  override query(config: any, values?: any, callback?: any): any {
    if (typeof config === 'string' && Array.isArray(values) && values.length > 0) {
      const name = preparedName(config);
      if (name !== undefined) return super.query({ name, text: config, values }, callback);
    }
    return super.query(config, values, callback);
  }
}
