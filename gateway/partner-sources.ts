// The partners' source APIs as configured: <P>_SOURCE_URL with the credential that partner issued
// to our adapter (<P>_SOURCE_CREDENTIAL). A source without its credential is a configuration
// error, named at start, rather than an adapter whose every call the partner refuses.
import type { Partner } from '../adapters/common/partner.js';
import { PARTNERS } from '../adapters/common/partner.js';
import type { PartnerSource } from '../adapters/start.js';
import { ConfigError, type Config } from './config.js';

const SETTINGS = {
  uwv: { url: 'UWV_SOURCE_URL', credential: 'UWV_SOURCE_CREDENTIAL' },
  cwi: { url: 'CWI_SOURCE_URL', credential: 'CWI_SOURCE_CREDENTIAL' },
  gemeente: { url: 'GEMEENTE_SOURCE_URL', credential: 'GEMEENTE_SOURCE_CREDENTIAL' },
} as const satisfies Record<Partner, { url: keyof Config; credential: keyof Config }>;

export const sourceUrlSetting = (partner: Partner) => SETTINGS[partner].url;

/** One partner's configured source, or undefined when <P>_SOURCE_URL is unset. */
export function configuredSource(config: Config, partner: Partner): PartnerSource | undefined {
  const { url: urlSetting, credential: credentialSetting } = SETTINGS[partner];
  const url = config[urlSetting];
  if (!url) return undefined;
  const credential = config[credentialSetting];
  if (!credential) throw new ConfigError(credentialSetting, `is required with ${urlSetting} (the bearer credential the partner's source issued to this adapter)`);
  return { url, credential };
}

/** Every configured source (a partner without one gets its sandbox in-process). */
export function configuredSources(config: Config): Partial<Record<Partner, PartnerSource>> {
  const sources: Partial<Record<Partner, PartnerSource>> = {};
  for (const partner of PARTNERS) {
    const source = configuredSource(config, partner);
    if (source) sources[partner] = source;
  }
  return sources;
}
