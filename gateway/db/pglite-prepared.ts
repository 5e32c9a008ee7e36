// Named statements on PGlite, prepared once and run with EXECUTE. On a PostgreSQL server a named
// query is a prepared statement of the driver's (Database.query); PGlite has no such thing and parses
// and plans every query afresh. For the logs' insert (a partitioned table, from JSON) that was
// about half of the statement: 1.17–1.29 ms p50 and 1.4–2.2 ms of CPU unprepared, 0.71–0.75 ms and
// 0.8–1.0 ms prepared (500 in a row on a migrated PGlite, twice; scratch test, 2026-12-06).
//
// PGlite's session is the process's one connection, so a statement prepared once stays for the
// life of the database. EXECUTE takes no bind parameters, so the values go in as literals: only
// strings, finite numbers and nulls (everything the named statements send: JSON text), quoted by
// doubling every single quote, which is complete only with standard_conforming_strings on (checked
// by the caller); a string holding NUL, any other value, or a statement PostgreSQL cannot prepare
// (its parameter types not inferable) runs as an ordinary query instead.

interface PgliteLike {
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

const NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** The values as SQL literals, or undefined when one cannot be written as one safely. */
export function asLiterals(params: readonly unknown[]): string[] | undefined {
  const out: string[] = [];
  for (const p of params) {
    if (p === null || p === undefined) out.push('NULL');
    else if (typeof p === 'number' && Number.isFinite(p)) out.push(`'${p}'`);
    else if (typeof p === 'string' && !p.includes('\0')) out.push(`'${p.replaceAll("'", "''")}'`);
    else return undefined;
  }
  return out;
}

/** `query(sql, params, name)` for PGlite: named statements prepared once, the rest as they come. */
export function preparedQueries(client: PgliteLike) {
  const ready = new Map<string, { sql: string; prepared: Promise<boolean> }>();
  const prepare = (name: string, sql: string) => {
    let p = ready.get(name);
    // EXECUTE runs what the name was prepared with: a second text under the same name would
    // silently run the first. The pg driver refuses that on a PostgreSQL server; so does this.
    if (p && p.sql !== sql) throw new Error(`prepared statement "${name}" was prepared for a different statement`);
    if (!p) {
      p = {
        sql,
        prepared: client.query(`PREPARE ${name} AS ${sql}`).then(
          () => true,
          () => false,
        ),
      };
      ready.set(name, p);
    }
    return p.prepared;
  };
  return async function query(sql: string, params: unknown[], name?: string): Promise<unknown[]> {
    const literals = name && NAME.test(name) ? asLiterals(params) : undefined;
    if (literals && (await prepare(name!, sql))) {
      return (await client.query(`EXECUTE ${name}${literals.length ? `(${literals.join(', ')})` : ''}`)).rows;
    }
    return (await client.query(sql, params)).rows;
  };
}
