// What the consent pages ask the graph for (schema/keten/toestemming.graphql), and the shapes of
// the answers, in one place for the overview and the confirmation pages.
export interface Gebeurtenis {
  soort: string;
  op: string;
  door: string;
}

export interface Verzoek {
  id: string;
  bureau: { naam: string };
  trajectTitel: string;
  bevoegdheden: string[];
  gevraagdTot: string;
  status: string;
  ingediendOp: string;
  besluitOp: string | null;
  geschiedenis: Gebeurtenis[];
}

export interface Toestemming {
  id: string;
  bureau: { naam: string };
  trajectTitel: string;
  bevoegdheden: string[];
  geldigVanaf: string;
  geldigTot: string;
  status: string;
  ingetrokkenOp: string | null;
  redenIntrekking: string | null;
  geschiedenis: Gebeurtenis[];
}

const HISTORY = 'geschiedenis { soort op door }';
export const VERZOEK_FIELDS = `id bureau { naam } trajectTitel bevoegdheden gevraagdTot status ingediendOp besluitOp ${HISTORY}`;
export const TOESTEMMING_FIELDS = `id bureau { naam } trajectTitel bevoegdheden geldigVanaf geldigTot status ingetrokkenOp redenIntrekking ${HISTORY}`;
