// Subgraph schemas live as SDL in schema/<partner>.graphql (one place to read the contract).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Partner } from './partner.js';

export function subgraphSchema(partner: Partner): string {
  return readFileSync(fileURLToPath(new URL(`../../schema/${partner}.graphql`, import.meta.url)), 'utf8');
}
