// startPartners: sandboxes and adapters in this process by default; a configured adapter URL is
// used as given (nothing started for that partner); a configured source URL gets an adapter but no
// sandbox; one sandbox can be stopped alone; close is safe to repeat.
import { describe, expect, it } from 'vitest';
import { randomCredential } from '../../adapters/common/sandbox-credential.js';
import { createUwvSandbox } from '../../adapters/uwv/index.js';
import { graphqlUrl, startPartners } from '../../adapters/start.js';
import { population } from '../../adapters/population/population.js';
import { createTestSigner, ISSUER } from './internal-tokens.js';
import { entitiesQuery, graphql, listen, representations } from './loopback.js';

const base = { gatewayIssuer: ISSUER, timeoutMs: 500, sandboxLatencyMs: 0, logLevel: 'silent' };

describe('startPartners', () => {
  it('starts every sandbox and adapter on loopback by default', async () => {
    const signer = await createTestSigner();
    const partners = await startPartners({ ...base, getKey: signer.getKey });
    try {
      for (const p of ['uwv', 'cwi', 'gemeente'] as const) {
        expect(partners.urls[p]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
        expect(partners.sandboxes[p]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        expect((await fetch(`${partners.sandboxes[p]}/health`)).status).toBe(200);
        const sdl = await graphql(partners.urls[p].replace(/\/graphql$/, ''), '{ _service { sdl } }', {}, await signer.sign(p));
        expect(sdl.status).toBe(200);
      }
    } finally {
      await partners.close();
      await partners.close();
    }
  });

  it('uses a configured adapter as given and points an adapter at a configured source', async () => {
    const signer = await createTestSigner();
    const credential = randomCredential();
    const realUwv = createUwvSandbox({ credential, logLevel: 'silent' });
    const uwvSource = await listen(realUwv);
    const partners = await startPartners({
      ...base,
      getKey: signer.getKey,
      adapterUrls: { cwi: 'http://cwi-adapter.example:4202' },
      sources: { uwv: { url: uwvSource, credential } },
    });
    try {
      expect(partners.urls.cwi).toBe('http://cwi-adapter.example:4202/graphql');
      expect(partners.sandboxes.cwi).toBeUndefined();
      expect(partners.instances.adapters.cwi).toBeUndefined();
      expect(partners.sandboxes.uwv).toBeUndefined();
      const { body } = await graphql(partners.urls.uwv.replace(/\/graphql$/, ''), entitiesQuery('uitkeringen { soort }'), { representations: representations([population()[0]!.bsn]) }, await signer.sign('uwv'));
      expect(body.data!._entities[0].uitkeringen).toEqual([{ soort: 'WW' }]);
    } finally {
      await partners.close();
      await realUwv.close();
    }
  });

  it('stops one sandbox alone: its adapter then answers PARTNER_UNAVAILABLE, the others keep working', async () => {
    const signer = await createTestSigner();
    const partners = await startPartners({ ...base, getKey: signer.getKey });
    try {
      await partners.stopSandbox('uwv');
      await partners.stopSandbox('uwv');
      const bsn = population()[0]!.bsn;
      const uwv = await graphql(partners.urls.uwv.replace(/\/graphql$/, ''), entitiesQuery('uitkeringen { soort }'), { representations: representations([bsn]) }, await signer.sign('uwv'));
      expect(uwv.body.errors![0]!.extensions).toMatchObject({ code: 'PARTNER_UNAVAILABLE', partner: 'uwv' });
      const cwi = await graphql(partners.urls.cwi.replace(/\/graphql$/, ''), entitiesQuery('inschrijving { status }'), { representations: representations([bsn]) }, await signer.sign('cwi'));
      expect(cwi.body.errors).toBeUndefined();
    } finally {
      await partners.close();
    }
  });

  it('reads a bare adapter origin as its /graphql', () => {
    expect(graphqlUrl('http://10.0.0.5:4201')).toBe('http://10.0.0.5:4201/graphql');
    expect(graphqlUrl('http://10.0.0.5:4201/graphql')).toBe('http://10.0.0.5:4201/graphql');
  });
});
