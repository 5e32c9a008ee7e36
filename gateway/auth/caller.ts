// Who is calling: the identity the gateway works with after it has verified a bearer token.
// Roles are fixed by the design: client, klantmanager, rib, auditor. Organisations by OIN.
import { z } from 'zod';
import { isValidBsn } from '../../lib/bsn.js';

export const ROLES = ['client', 'klantmanager', 'rib', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export type Caller =
  | { role: 'client'; subject: string; name: string; bsn: string }
  | { role: 'klantmanager' | 'rib' | 'auditor'; subject: string; name: string; oin: string };

export type OrganisationCaller = Extract<Caller, { oin: string }>;

const oin = z.string().regex(/^\d{20}$/, 'an OIN of 20 digits');

/** The claims a trusted issuer must put in a bearer token (documented in the README). */
export const callerClaims = z.discriminatedUnion('role', [
  z.object({
    role: z.literal('client'),
    sub: z.string().min(1),
    name: z.string().default(''),
    bsn: z.string().refine(isValidBsn, 'a valid BSN'),
  }),
  z.object({
    role: z.enum(['klantmanager', 'rib', 'auditor']),
    sub: z.string().min(1),
    name: z.string().default(''),
    oin,
  }),
]);

export function callerFromClaims(claims: unknown): Caller | undefined {
  const parsed = callerClaims.safeParse(claims);
  if (!parsed.success) return undefined;
  const c = parsed.data;
  return c.role === 'client'
    ? { role: 'client', subject: c.sub, name: c.name, bsn: c.bsn }
    : { role: c.role, subject: c.sub, name: c.name, oin: c.oin };
}

/** The organisation a caller acts for; clients act for themselves. */
export function actorOin(caller: Caller): string | undefined {
  return caller.role === 'client' ? undefined : caller.oin;
}
