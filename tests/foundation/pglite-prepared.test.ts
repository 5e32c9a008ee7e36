// Named statements on PGlite are prepared once and run with EXECUTE, their values as quoted
// literals (gateway/db/pglite-prepared.ts). What must hold: the same rows as the statement run
// plainly, every value arriving exactly as sent (no way to break out of a literal), prepared once,
// and anything that cannot go as a literal still answered as an ordinary query.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../gateway/db/database.js';
import { asLiterals } from '../../gateway/db/pglite-prepared.js';

let dir: string;
let db: Database;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kp-pglite-prepared-'));
  db = await openDatabase({ dataDir: join(dir, 'pglite'), pgliteSharedBuffersMb: 16 });
  await db.query('CREATE TABLE kp_test_prepared (id serial PRIMARY KEY, body text NOT NULL)', []);
});
afterAll(async () => {
  await db?.close();
  await rm(dir, { recursive: true, force: true });
});

const preparedNamed = async (name: string) =>
  (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name = $1', [name]))[0]!.n;

describe('named statements on PGlite', () => {
  it('answer as the plain statement does, and are prepared once', async () => {
    const sql = `SELECT x.n, x.s FROM json_to_recordset($1::json) AS x(n int, s text) ORDER BY x.n`;
    const rows = JSON.stringify([{ n: 2, s: 'twee' }, { n: 1, s: 'een' }]);
    const plain = await db.query(sql, [rows]);
    expect(await db.query(sql, [rows], 'kp_test_json')).toEqual(plain);
    expect(await db.query(sql, [rows], 'kp_test_json')).toEqual(plain);
    expect(await preparedNamed('kp_test_json')).toBe(1);
  });

  it('carry every value exactly as sent: quotes, backslashes, an attempt to end the literal, unicode', async () => {
    const values = ["O'Brien", "''", '\\', "\\'", "'); DROP TABLE kp_test_prepared; --", "x' || (SELECT 'y') || '", 'é ✓ 𝄞', '$1', ''];
    for (const v of values) {
      const [row] = await db.query<{ id: number; body: string }>('INSERT INTO kp_test_prepared (body) VALUES ($1::text) RETURNING id, body', [v], 'kp_test_insert');
      expect(row!.body).toBe(v);
    }
    expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM kp_test_prepared', []))[0]!.n).toBe(values.length);
    expect(await preparedNamed('kp_test_insert')).toBe(1);
  });

  it('run as ordinary queries what cannot go as literals: arrays, NUL, a statement PREPARE does not take', async () => {
    expect(await db.query('SELECT cardinality($1::text[]) AS n', [['a', "b'"]], 'kp_test_array')).toEqual([{ n: 2 }]);
    expect(await preparedNamed('kp_test_array')).toBe(0);
    // PostgreSQL refuses NUL in text whichever way it comes; the literal is never cut short at it.
    await expect(db.query('INSERT INTO kp_test_prepared (body) VALUES ($1::text)', ['a\0b'], 'kp_test_insert')).rejects.toThrow();
    // PREPARE takes only SELECT, INSERT, UPDATE, DELETE, MERGE and VALUES.
    expect(await db.query('SHOW standard_conforming_strings', [], 'kp_test_show')).toEqual([{ standard_conforming_strings: 'on' }]);
    expect(await preparedNamed('kp_test_show')).toBe(0);
  });

  it('refuse a second statement under a name already prepared, as the pg driver does, and write nothing', async () => {
    const before = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM kp_test_prepared', []))[0]!.n;
    await db.query('SELECT $1::text AS v', ['x'], 'kp_test_one_text');
    await expect(db.query('INSERT INTO kp_test_prepared (body) VALUES ($1::text)', ['y'], 'kp_test_one_text')).rejects.toThrow(/different statement/);
    expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM kp_test_prepared', []))[0]!.n).toBe(before);
  });
});

describe('asLiterals', () => {
  it('quotes strings and numbers, writes NULL, and refuses anything else', () => {
    expect(asLiterals(["it's", 3, null])).toEqual(["'it''s'", "'3'", 'NULL']);
    expect(asLiterals(['a\0'])).toBeUndefined();
    expect(asLiterals([Number.NaN])).toBeUndefined();
    expect(asLiterals([{}])).toBeUndefined();
    expect(asLiterals([new Date(0)])).toBeUndefined();
    expect(asLiterals([['a']])).toBeUndefined();
  });
});
