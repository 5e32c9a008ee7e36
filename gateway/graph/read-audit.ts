// Every read of a client's partner data through the graph leaves one processing-log entry per
// client per request: who, for which organisation, which client, which partners and fields, the
// purpose, the trace id. To know *which* clients a list returned, the operation is instrumented
// with a hidden `bsn` selection on every Klant; it is stripped from the answer before it leaves.
import {
  Kind,
  TypeInfo,
  getNamedType,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FieldNode,
  type GraphQLSchema,
} from '../../lib/graphql.js';
import type { Caller } from '../auth/caller.js';
import type { Activity, Processing } from '../logs/processing-log.js';
import type { FieldOwners } from './field-owners.js';

export const SUBJECT_MARKER = '__kpBsn';

export interface ReadAudit {
  /** Field names selected on Klant objects anywhere in the operation. */
  klantFields: Set<string>;
  instrumented: boolean;
}

/** Adds `__kpBsn: bsn` to every selection on a Klant; returns the new document and what is read. */
export function instrumentKlantReads(schema: GraphQLSchema, document: DocumentNode): { document: DocumentNode; audit: ReadAudit } {
  const typeInfo = new TypeInfo(schema);
  const klantFields = new Set<string>();
  const marker: FieldNode = {
    kind: Kind.FIELD,
    alias: { kind: Kind.NAME, value: SUBJECT_MARKER },
    name: { kind: Kind.NAME, value: 'bsn' },
    // The mercurius gateway reads these lists on every field it plans.
    arguments: [],
    directives: [],
  };
  let instrumented = false;
  const out = visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field: {
        leave(node) {
          const type = typeInfo.getType();
          if (!node.selectionSet || !type || getNamedType(type).name !== 'Klant') return undefined;
          for (const s of node.selectionSet.selections) {
            if (s.kind === Kind.FIELD && s.name.value !== '__typename') klantFields.add(s.name.value);
          }
          instrumented = true;
          return { ...node, selectionSet: { ...node.selectionSet, selections: [...node.selectionSet.selections, marker] } };
        },
      },
    }),
  );
  return { document: out, audit: { klantFields, instrumented } };
}

/** Finds the clients in an answer (by the marker), and removes the marker. */
export function collectSubjects(data: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(data)) {
    for (const item of data) collectSubjects(item, found);
  } else if (data && typeof data === 'object') {
    const obj = data as Record<string, unknown>;
    if (typeof obj[SUBJECT_MARKER] === 'string') {
      found.add(obj[SUBJECT_MARKER] as string);
      delete obj[SUBJECT_MARKER];
    }
    for (const v of Object.values(obj)) collectSubjects(v, found);
  }
  return found;
}

export function processingEntries(input: {
  subjects: Iterable<string>;
  audit: ReadAudit;
  owners: FieldOwners;
  failedPartners: Set<string>;
  caller: Caller;
  activity: Activity;
  startTime: Date;
}): Processing[] {
  const fields = [...input.audit.klantFields].filter((f) => f !== 'bsn');
  const partners = new Set<string>();
  for (const f of fields) {
    const owner = input.owners.klant.get(f);
    if (owner && owner !== 'keten' && !input.failedPartners.has(owner)) partners.add(owner);
  }
  partners.add('gemeente');
  return [...input.subjects].map((bsn) => ({
    name: input.activity === 'caseload' ? 'caseload bekeken' : 'klantbeeld bekeken',
    activity: input.activity,
    operation: 'read' as const,
    subjectBsn: bsn,
    caller: input.caller,
    partners: [...partners],
    fields,
    startTime: input.startTime,
    status: input.failedPartners.size > 0 ? ('ERROR' as const) : ('OK' as const),
  }));
}
