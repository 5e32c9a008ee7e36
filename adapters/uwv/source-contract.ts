// UWV's source API contract as TypeScript (openapi.yaml is the reference): what the adapter's
// client and mapping read, and what the sandbox serves. Neither side imports the other.
export interface UwvUitkeringRecord {
  uitkeringId: string;
  burgerservicenummer: string;
  wet: 'WW' | 'WIA' | 'WAJONG';
  regeling: 'WW' | 'WGA' | 'IVA' | 'WAJONG';
  statusCode: 'LOPEND' | 'BEEINDIGD';
  datumAanvang: string;
  datumEinde: string | null;
  redenEinde: 'MAXIMALE_DUUR_BEREIKT' | null;
  brutoMaandbedragCent: number;
  dagloonCent: number | null;
  uitkeringspercentage: number | null;
  arbeidsongeschiktheidspercentage: number | null;
  datumLaatsteWijziging: string;
}
