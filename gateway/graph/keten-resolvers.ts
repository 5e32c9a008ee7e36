// Every resolver and loader of the keten subgraph, merged. A feature adds its map here.
import { baseResolvers } from './resolvers/base.js';
import { trajectLoaders, trajectResolvers } from './resolvers/traject.js';
import { consentResolvers } from '../consent/resolvers.js';
import { rapportageLoaders, rapportageResolvers } from '../rapportage/resolvers.js';
import { auditResolvers } from '../audit/resolvers.js';

type ResolverMap = Record<string, Record<string, unknown>>;

export function mergeResolvers(...maps: ResolverMap[]): ResolverMap {
  const out: ResolverMap = {};
  for (const map of maps) {
    for (const [type, fields] of Object.entries(map)) {
      for (const name of Object.keys(fields)) {
        if (out[type]?.[name]) throw new Error(`resolver ${type}.${name} is defined twice`);
      }
      out[type] = { ...out[type], ...fields };
    }
  }
  return out;
}

export const ketenResolvers = mergeResolvers(baseResolvers, trajectResolvers, consentResolvers as unknown as ResolverMap, rapportageResolvers as unknown as ResolverMap, auditResolvers as unknown as ResolverMap);
export const ketenLoaders = mergeResolvers(trajectLoaders, rapportageLoaders);
