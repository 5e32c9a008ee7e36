// Every refusal of a consent request or grant has its code, and writes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findDemoPerson } from '../../gateway/demo/people.js';
import { ORG } from '../../adapters/population/organisations.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { QUIET, clearConsents, endOf, gql, inDays, REQUEST, rowCounts, trajectOf, WERKFIT } from './helpers.js';

let t: TestApp;
let longTrajectId: string;
beforeAll(async () => {
  t = await startTestApp({ env: QUIET });
  await clearConsents(t);
  // A trajectory running two years, so "longer than a year" is refused for that reason alone.
  const long = await t.db.prisma.traject.create({
    data: {
      gemeenteOin: ORG.amsterdam.oin,
      externalId: `TRJ-TEST-LONG-${Date.now()}`,
      subjectBsn: findDemoPerson('client-fatima')!.bsn!,
      title: 'Lang traject',
      startsOn: new Date(),
      endsOn: new Date(Date.now() + 730 * 24 * 3600 * 1000),
      createdBy: 'test',
      blokken: { create: { ribOin: WERKFIT, openedBy: 'test' } },
    },
  });
  longTrajectId = long.id;
});
afterAll(() => t?.close());

async function refused(person: string, query: string, variables: Record<string, unknown>) {
  const before = await rowCounts(t);
  const res = await gql(t, person, query, variables);
  expect(await rowCounts(t)).toEqual(before);
  return res;
}

const ask = (trajectId: string, bevoegdheden: unknown[], geldigTot: string) => ({ invoer: { trajectId, bevoegdheden, geldigTot } });
const GRANT = 'mutation($i: ToestemmingInvoer!) { verleenToestemming(invoer: $i) { id } }';

describe('refusals, each with its code and nothing written', () => {
  it('a trajectory not assigned to the asking RIB', async () => {
    const fatima = await trajectOf(t, 'client-fatima');
    const res = await refused('rib-aandeslag', REQUEST, ask(fatima.id, ['rapportage:schrijven'], endOf(fatima)));
    expect(res.codes).toEqual(['BAD_USER_INPUT']);
    expect(res.errors[0]!.message).toMatch(/not assigned to your organisation/);
  });

  it('a trajectory that does not exist gets the same answer (nothing learned about others)', async () => {
    const res = await refused('rib-werkfit', REQUEST, ask('00000000-0000-4000-8000-000000000000', ['rapportage:schrijven'], inDays(10)));
    expect(res.codes).toEqual(['BAD_USER_INPUT']);
    expect(res.errors[0]!.message).toMatch(/not assigned to your organisation/);
  });

  it('a validity past the end of the trajectory', async () => {
    const fatima = await trajectOf(t, 'client-fatima');
    const dayAfter = new Date(fatima.endsOn.getTime() + 2 * 24 * 3600 * 1000).toISOString().slice(0, 10);
    const res = await refused('rib-werkfit', REQUEST, ask(fatima.id, ['rapportage:schrijven'], dayAfter));
    expect(res.codes).toEqual(['BAD_USER_INPUT']);
    expect(res.errors[0]!.message).toMatch(/past the end of the trajectory/);
  });

  it('a validity longer than a year', async () => {
    const res = await refused('rib-werkfit', REQUEST, ask(longTrajectId, ['rapportage:schrijven'], inDays(400)));
    expect(res.codes).toEqual(['BAD_USER_INPUT']);
    expect(res.errors[0]!.message).toMatch(/longer than a year/);
  });

  it('a validity in the past, or not a date', async () => {
    expect((await refused('rib-werkfit', REQUEST, ask(longTrajectId, ['rapportage:schrijven'], inDays(-1)))).codes).toEqual(['BAD_USER_INPUT']);
    expect((await refused('rib-werkfit', REQUEST, ask(longTrajectId, ['rapportage:schrijven'], 'morgen'))).codes).toEqual(['BAD_USER_INPUT']);
  });

  it('an unknown scope, no scope, or one without rapportage:schrijven', async () => {
    const unknown = await refused('rib-werkfit', REQUEST, ask(longTrajectId, ['rapportage:schrijven', 'uitkering:lezen'], inDays(30)));
    expect(unknown.codes).toEqual(['BAD_USER_INPUT']);
    expect(unknown.errors[0]!.message).toMatch(/unknown scope "uitkering:lezen"/);
    expect((await refused('rib-werkfit', REQUEST, ask(longTrajectId, [], inDays(30)))).codes).toEqual(['BAD_USER_INPUT']);
    expect((await refused('rib-werkfit', REQUEST, ask(longTrajectId, ['werkprofiel:lezen'], inDays(30)))).codes).toEqual(['BAD_USER_INPUT']);
  });

  it('only a RIB asks; only a client grants', async () => {
    const fatima = await trajectOf(t, 'client-fatima');
    expect((await refused('km-jan', REQUEST, ask(fatima.id, ['rapportage:schrijven'], endOf(fatima)))).codes).toEqual(['FORBIDDEN']);
    expect((await refused('client-fatima', REQUEST, ask(fatima.id, ['rapportage:schrijven'], endOf(fatima)))).codes).toEqual(['FORBIDDEN']);
    const grant = { i: { trajectId: fatima.id, bureau: WERKFIT, bevoegdheden: ['rapportage:schrijven'], geldigTot: endOf(fatima) } };
    expect((await refused('rib-werkfit', GRANT, grant)).codes).toEqual(['FORBIDDEN']);
  });

  it('a client cannot grant on another client\'s trajectory, nor to a RIB the trajectory is not assigned to', async () => {
    const fatima = await trajectOf(t, 'client-fatima');
    const other = await refused('client-aandeslag', GRANT, { i: { trajectId: fatima.id, bureau: WERKFIT, bevoegdheden: ['rapportage:schrijven'], geldigTot: endOf(fatima) } });
    expect(other.codes).toEqual(['NOT_FOUND']);
    const wrongRib = await refused('client-fatima', GRANT, {
      i: { trajectId: fatima.id, bureau: ORG.aandeslag.oin, bevoegdheden: ['rapportage:schrijven'], geldigTot: endOf(fatima) },
    });
    expect(wrongRib.codes).toEqual(['BAD_USER_INPUT']);
  });

  it('a client cannot approve a request for longer than asked', async () => {
    const asked = await gql(t, 'rib-werkfit', REQUEST, ask(longTrajectId, ['rapportage:schrijven'], inDays(30)));
    const id = asked.data!.vraagToestemming.id;
    const res = await refused('client-fatima', 'mutation($id: ID!, $tot: String) { keurVerzoekGoed(verzoekId: $id, geldigTot: $tot) { id } }', { id, tot: inDays(60) });
    expect(res.codes).toEqual(['BAD_USER_INPUT']);
    await gql(t, 'rib-werkfit', 'mutation($id: ID!) { trekVerzoekIn(verzoekId: $id) { id } }', { id });
  });

  it('a second pending request for the same trajectory is a CONFLICT', async () => {
    const first = await gql(t, 'rib-werkfit', REQUEST, ask(longTrajectId, ['rapportage:schrijven'], inDays(30)));
    expect(first.errors).toEqual([]);
    const second = await refused('rib-werkfit', REQUEST, ask(longTrajectId, ['rapportage:schrijven'], inDays(30)));
    expect(second.codes).toEqual(['CONFLICT']);
    await gql(t, 'rib-werkfit', 'mutation($id: ID!) { trekVerzoekIn(verzoekId: $id) { id } }', { id: first.data!.vraagToestemming.id });
  });
});
