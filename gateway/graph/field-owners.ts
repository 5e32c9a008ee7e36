// Which partner answers which field of a client (Klant), read from the subgraph SDLs in schema/.
// The processing log names the partners whose data a request read.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Kind, parse, type DocumentNode } from '../../lib/graphql.js';
import { ketenSchema } from './keten-subgraph.js';

export const PARTNERS = ['uwv', 'cwi', 'gemeente'] as const;
export type Partner = (typeof PARTNERS)[number];

function klantFields(doc: DocumentNode): string[] {
  const names: string[] = [];
  for (const def of doc.definitions) {
    if ((def.kind === Kind.OBJECT_TYPE_DEFINITION || def.kind === Kind.OBJECT_TYPE_EXTENSION) && def.name.value === 'Klant') {
      for (const f of def.fields ?? []) {
        if (!f.directives?.some((d) => d.name.value === 'external')) names.push(f.name.value);
      }
    }
  }
  return names;
}

export function rootFieldsOf(doc: DocumentNode): string[] {
  const names: string[] = [];
  for (const def of doc.definitions) {
    if ((def.kind === Kind.OBJECT_TYPE_DEFINITION || def.kind === Kind.OBJECT_TYPE_EXTENSION) && ['Query', 'Mutation', 'Subscription'].includes(def.name.value)) {
      for (const f of def.fields ?? []) names.push(`${def.name.value}.${f.name.value}`);
    }
  }
  return names;
}

export interface FieldOwners {
  /** Klant field → the subgraph that answers it ('keten' for the chain's own data). */
  klant: Map<string, Partner | 'keten'>;
  /** Root fields the keten subgraph owns: their resolvers apply the consent and role rules. */
  ketenRootFields: Set<string>;
}

export function loadFieldOwners(): FieldOwners {
  const klant = new Map<string, Partner | 'keten'>();
  for (const p of PARTNERS) {
    const file = fileURLToPath(new URL(`../../schema/${p}.graphql`, import.meta.url));
    if (!existsSync(file)) continue;
    for (const f of klantFields(parse(readFileSync(file, 'utf8')))) klant.set(f, p);
  }
  const keten = parse(ketenSchema());
  for (const f of klantFields(keten)) klant.set(f, 'keten');
  // `bsn` is the key every subgraph shares; reading it is reading the gemeente's record.
  if (!klant.has('bsn')) klant.set('bsn', 'gemeente');
  return { klant, ketenRootFields: new Set(rootFieldsOf(keten)) };
}
