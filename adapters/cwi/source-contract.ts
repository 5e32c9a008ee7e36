// CWI's source API contract as TypeScript (openapi.yaml is the reference): what the adapter's
// client and mapping read, and what the sandbox serves. Neither side imports the other.
export type JN = 'J' | 'N';

export interface CwiOpleiding { Naam: string; Niveau: string; Diploma: JN; JaarAfgerond: number | null }

export interface CwiBeroep { BeroepCode: string; Omschrijving: string; ErvaringJaren: number; Gewenst: JN }

export interface CwiWerkzoekende {
  Bsn: string;
  InschrijvingsNummer: string;
  InschrijfDatum: string;
  UitschrijfDatum: string | null;
  Status: 'INGESCHREVEN' | 'UITGESCHREVEN';
  Vestiging: string;
  Werkprofiel: {
    OpleidingsNiveau: string;
    Opleidingen: CwiOpleiding[];
    Rijbewijzen: string;
    EigenVervoer: JN;
    Beroepen: CwiBeroep[];
    UrenPerWeek: number;
    LaatstGewijzigd: string;
  };
}

export interface CwiSollicitatie {
  SollicitatieId: string;
  Bsn: string;
  Datum: string;
  Werkgever: string;
  Functie: string;
  VacatureNummer: string | null;
  Kanaal: 'EMAIL' | 'PORTAAL' | 'BRIEF' | 'TELEFONISCH' | 'OPEN_SOLLICITATIE';
  Resultaat: 'IN_BEHANDELING' | 'UITGENODIGD' | 'AFGEWEZEN' | 'AANGENOMEN' | 'GEEN_REACTIE';
}

export interface CwiVacature {
  VacatureNummer: string;
  Titel: string;
  BeroepCode: string;
  Werkgever: string;
  Plaats: string;
  UrenPerWeek: number;
  PublicatieDatum: string;
  SluitingsDatum: string;
}

export interface CwiVacatureMatch { MatchId: string; Bsn: string; Score: number; MatchDatum: string; Vacature: CwiVacature }
