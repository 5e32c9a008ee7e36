// The demo chain's organisations. OINs are synthetic (20 digits, the "99" block is not issued),
// so no demo record can be mistaken for a real organisation's.
export type OrganisationKind = 'gemeente' | 'uwv' | 'cwi' | 'rib';

export interface DemoOrganisation {
  oin: string;
  kind: OrganisationKind;
  name: string;
}

export const ORG = {
  amsterdam: { oin: '00000001990000000001', kind: 'gemeente', name: 'Gemeente Amsterdam (demo)' },
  leiden: { oin: '00000001990000000002', kind: 'gemeente', name: 'Gemeente Leiden (demo)' },
  uwv: { oin: '00000001990000000010', kind: 'uwv', name: 'UWV (demo)' },
  cwi: { oin: '00000001990000000011', kind: 'cwi', name: 'UWV WERKbedrijf / CWI (demo)' },
  werkfit: { oin: '00000003990000000101', kind: 'rib', name: 'Werkfit Re-integratie (demo)' },
  aandeslag: { oin: '00000003990000000102', kind: 'rib', name: 'Aan de Slag Begeleiding (demo)' },
} as const satisfies Record<string, DemoOrganisation>;

export const ORGANISATIONS: DemoOrganisation[] = Object.values(ORG);
