// The three partners whose source APIs Ketenpoort translates. The name is also the last part of
// the internal token's audience (urn:ketenpoort:adapter:<name>) and the `partner` in errors.
export const PARTNERS = ['uwv', 'cwi', 'gemeente'] as const;
export type Partner = (typeof PARTNERS)[number];

export function isPartner(value: string): value is Partner {
  return (PARTNERS as readonly string[]).includes(value);
}

export const adapterAudience = (partner: Partner) => `urn:ketenpoort:adapter:${partner}`;
