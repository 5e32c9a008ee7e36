// Shared helpers for the auditor's tests: GraphQL as a demo person, a period around today, and log
// history written straight into the two logs (as weeks of real use would have left it), so the
// anomaly rules can be tried on days and hours a test cannot wait for.
import { randomBytes } from 'node:crypto';
import type { Activity } from '../../gateway/logs/processing-log.js';
import { insertProcessingSql } from '../../gateway/logs/log-statements.js';
import { addDays, dayOf } from '../../gateway/audit/period.js';
import type { TestApp } from '../support/app.js';
import { graphql } from '../support/graphql.js';

export { ORG } from '../../adapters/population/organisations.js';

export async function as<T = Record<string, any>>(t: TestApp, person: string, query: string, variables?: Record<string, unknown>) {
  return graphql<T>(t.url, await t.token(person), query, variables);
}

/** Yesterday to tomorrow (Amsterdam days): today's rows, whatever the hour the test runs. */
export function aroundToday() {
  const today = dayOf(new Date());
  return { van: addDays(today, -1), tot: addDays(today, 1) };
}

/** A valid BSN (elfproef) made from a number, for clients nobody has. */
export function madeUpBsn(n: number): string {
  for (let i = 0; ; i++) {
    const base = String(100_000_00 + ((n * 7919 + i) % 89_999_999)).padStart(8, '0');
    let sum = 0;
    for (let k = 0; k < 8; k++) sum += Number(base[k]) * (9 - k);
    const check = sum % 11;
    if (check < 10) return `${base}${check}`;
  }
}

export interface PastProcessing {
  who: string;
  oin: string;
  bsn: string;
  at: Date;
  role?: 'klantmanager' | 'auditor' | 'rib';
  activity?: Activity;
}

/** Processing-log rows as the gateway writes them, each its own request (trace), at given times. */
export async function writeProcessings(t: TestApp, rows: PastProcessing[]) {
  const json = rows.flatMap((r) =>
    JSON.parse(
      t.app.services.processingLog.rowsJson({ traceId: randomBytes(16).toString('hex'), spanId: randomBytes(8).toString('hex') }, [
        {
          name: 'klantbeeld bekeken',
          activity: r.activity ?? 'klantbeeld',
          operation: 'read',
          subjectBsn: r.bsn,
          caller: { role: r.role ?? 'klantmanager', subject: r.who, name: r.who, oin: r.oin },
          partners: ['gemeente'],
          fields: ['naam'],
          startTime: r.at,
          endTime: r.at,
        },
      ]),
    ),
  );
  for (let i = 0; i < json.length; i += 500) await t.db.query(insertProcessingSql(1), [JSON.stringify(json.slice(i, i + 500))]);
}

export interface PastRefusal {
  who: string;
  oin: string;
  at: Date;
  reason?: string;
  resource?: string;
}

/** Decision-log denials as the graph's policy writes them. */
export async function writeRefusals(t: TestApp, rows: PastRefusal[]) {
  await t.db.prisma.besluit.createMany({
    data: rows.map((r) => ({
      traceId: randomBytes(16).toString('hex'),
      spanId: randomBytes(8).toString('hex'),
      at: r.at,
      decision: 'deny',
      reason: r.reason ?? 'not-on-caseload',
      action: 'klantbeeld:lezen',
      resource: r.resource ?? `klant:${randomBytes(32).toString('hex')}`,
      policyId: 'ketenpoort:klantbeeld-op-caseload',
      policyVersion: '1',
      actorOin: r.oin,
      actorSubject: r.who,
      actorRole: 'klantmanager',
      information: {},
    })),
  });
}

/** An Amsterdam wall-clock time as an instant (the test months have no clock change inside). */
export function amsterdam(day: string, hhmm: string, offsetHours = 2): Date {
  return new Date(`${day}T${hhmm}:00+0${offsetHours}:00`);
}

/** What a refusal or bad input must leave behind: nothing in these tables. */
export async function counts(t: TestApp) {
  const p = t.db.prisma;
  const [controle, opvolging, verwerking] = await Promise.all([p.controle.count(), p.signaalOpvolging.count(), p.verwerking.count()]);
  return { controle, opvolging, verwerking };
}
