import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../gateway/config.js';
import { runKetenpoort } from '../support/child.js';

describe('configuration', () => {
  it('stops the start with one line naming the bad variable', async () => {
    const child = runKetenpoort(['serve'], { PORT: 'four-thousand', DATA_DIR: '/tmp/kp-never-used' });
    expect(await child.exited).toBe(78);
    const lines = child.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('PORT');
    expect(lines[0]).toContain('a port number from 0 to 65535');
  });

  it.each([
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ DATABASE_URL: 'mysql://localhost/x' }, 'DATABASE_URL'],
    [{ DEV_ISSUER: 'yes please' }, 'DEV_ISSUER'],
    [{ OIDC_ISSUER: 'https://login.example.nl' }, 'OIDC_JWKS_URL'],
    [{ PARTNER_TIMEOUT_MS: '0' }, 'PARTNER_TIMEOUT_MS'],
    [{ AUDIT_VOLUME_FACTOR: '1' }, 'AUDIT_VOLUME_FACTOR'],
    [{ AUDIT_OUTSIDE_CASELOAD_MIN: '0' }, 'AUDIT_OUTSIDE_CASELOAD_MIN'],
    [{ AUDIT_WORKING_HOURS: '7-19' }, 'AUDIT_WORKING_HOURS'],
    [{ AUDIT_WORKING_HOURS: '19:00-07:00' }, 'AUDIT_WORKING_HOURS'],
    [{ AUDIT_WORKING_DAYS: 'maandag' }, 'AUDIT_WORKING_DAYS'],
    [{ AUDIT_WORKING_DAYS: 'vr-ma' }, 'AUDIT_WORKING_DAYS'],
    [{ PGLITE_SHARED_BUFFERS_MB: '0' }, 'PGLITE_SHARED_BUFFERS_MB'],
    [{ PGLITE_SHARED_BUFFERS_MB: '16MB' }, 'PGLITE_SHARED_BUFFERS_MB'],
    [{ GRAPH_CLIENTS_IN_FLIGHT: '-1' }, 'GRAPH_CLIENTS_IN_FLIGHT'],
    [{ GRAPH_CLIENTS_IN_FLIGHT: 'lots' }, 'GRAPH_CLIENTS_IN_FLIGHT'],
    [{ GRAPH_ADMISSION_WAIT_MS: '0' }, 'GRAPH_ADMISSION_WAIT_MS'],
    [{ GRAPH_ADMISSION_WAIT_MS: '1e9' }, 'GRAPH_ADMISSION_WAIT_MS'],
    [{ GRAPH_CALLER_CLIENTS_IN_FLIGHT: '-5' }, 'GRAPH_CALLER_CLIENTS_IN_FLIGHT'],
    [{ GRAPH_CALLER_CLIENTS_IN_FLIGHT: 'half' }, 'GRAPH_CALLER_CLIENTS_IN_FLIGHT'],
  ])('refuses %o naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`^${variable}:`));
  });

  it('cannot switch the development issuer on in production', () => {
    expect(() =>
      loadConfig({ NODE_ENV: 'production', DEV_ISSUER: 'on', LOG_SUBJECT_KEY: 'a'.repeat(43) + '=' }),
    ).toThrow(/^DEV_ISSUER: cannot be on when NODE_ENV=production/);
  });

  it('has working defaults and freezes the result', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(4000);
    expect(config.DEV_ISSUER).toBe(false);
    expect([config.GRAPH_CLIENTS_IN_FLIGHT, config.GRAPH_ADMISSION_WAIT_MS, config.GRAPH_CALLER_CLIENTS_IN_FLIGHT]).toEqual([1200, 10_000, 600]);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads the auditor’s working time', () => {
    expect(loadConfig({}).workingTime).toEqual({ fromMinute: 420, untilMinute: 1140, days: [1, 2, 3, 4, 5] });
    expect(loadConfig({ AUDIT_WORKING_HOURS: '08:30-24:00', AUDIT_WORKING_DAYS: 'ma-wo,za' }).workingTime).toEqual({ fromMinute: 510, untilMinute: 1440, days: [1, 2, 3, 6] });
  });
});
