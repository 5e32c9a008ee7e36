// Every read of a client's partner data through the graph leaves one processing-log entry per
// client per request: who, for which organisation, which client, which partners and fields, the
// purpose, the trace id. To know *which* clients a list returned, each Klant's BSN is read from the
// answer: where the operation selects `bsn` itself, from there; otherwise the operation is
// instrumented with a hidden `bsn` selection on every Klant, stripped before the answer leaves.
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
  /** Whether the operation reads any Klant at all. */
  instrumented: boolean;
  /**
   * How to find the clients in the answer. `paths`: the operation already selects `bsn` on every
   * Klant, so each path (response keys from the root to a Klant) names the key holding its BSN and
   * the operation runs as sent. `marker`: the operation is run with `__kpBsn: bsn` added to every
   * Klant selection and the marker is found (and removed) anywhere in the answer.
   */
  find: { mode: 'paths'; paths: { keys: string[]; bsnKey: string }[] } | { mode: 'marker' };
}

export interface KlantReads {
  audit: ReadAudit;
  /** The document to run instead of the one sent; only in marker mode. */
  document?: DocumentNode;
}

// Planned once per parsed document (mercurius keeps one DocumentNode per query text) and schema
// (the gateway's schema changes when a subgraph's does). Changing the document would also keep
// mercurius from running its compiled (graphql-jit) form, so it is changed only when it must be.
const plans = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, KlantReads>>();

export function planKlantReads(schema: GraphQLSchema, document: DocumentNode): KlantReads {
  let bySchema = plans.get(schema);
  if (!bySchema) {
    bySchema = new WeakMap();
    plans.set(schema, bySchema);
  }
  let plan = bySchema.get(document);
  if (!plan) {
    plan = plan_(schema, document);
    bySchema.set(document, plan);
  }
  return plan;
}

function plan_(schema: GraphQLSchema, document: DocumentNode): KlantReads {
  const typeInfo = new TypeInfo(schema);
  const klantFields = new Set<string>();
  const paths: { keys: string[]; bsnKey: string }[] = [];
  const keys: string[] = [];
  let everyKlantHasBsn = !document.definitions.some((d) => d.kind === Kind.FRAGMENT_DEFINITION);
  let instrumented = false;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field: {
        enter(node) {
          keys.push(node.alias?.value ?? node.name.value);
        },
        leave(node) {
          const type = typeInfo.getType();
          if (node.selectionSet && type && getNamedType(type).name === 'Klant') {
            instrumented = true;
            let bsnKey: string | undefined;
            for (const s of node.selectionSet.selections) {
              if (s.kind !== Kind.FIELD || s.name.value === '__typename') continue;
              klantFields.add(s.name.value);
              if (s.name.value === 'bsn' && !s.directives?.length) bsnKey ??= s.alias?.value ?? 'bsn';
            }
            // A bsn inside an inline fragment or under @include may be absent: use the marker.
            if (bsnKey) paths.push({ keys: [...keys], bsnKey });
            else everyKlantHasBsn = false;
          }
          keys.pop();
        },
      },
    }),
  );
  if (!instrumented || everyKlantHasBsn) return { audit: { klantFields, instrumented, find: { mode: 'paths', paths } } };
  return { audit: { klantFields, instrumented, find: { mode: 'marker' } }, document: withMarker(schema, document) };
}

/** Adds `__kpBsn: bsn` to every selection on a Klant. */
function withMarker(schema: GraphQLSchema, document: DocumentNode): DocumentNode {
  const typeInfo = new TypeInfo(schema);
  const marker: FieldNode = {
    kind: Kind.FIELD,
    alias: { kind: Kind.NAME, value: SUBJECT_MARKER },
    name: { kind: Kind.NAME, value: 'bsn' },
    // The mercurius gateway reads these lists on every field it plans.
    arguments: [],
    directives: [],
  };
  return visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field: {
        leave(node) {
          const type = typeInfo.getType();
          if (!node.selectionSet || !type || getNamedType(type).name !== 'Klant') return undefined;
          return { ...node, selectionSet: { ...node.selectionSet, selections: [...node.selectionSet.selections, marker] } };
        },
      },
    }),
  );
}

/** Finds the clients in an answer, following the plan (and removes the marker in marker mode). */
export function collectSubjects(data: unknown, audit: ReadAudit): Set<string> {
  const found = new Set<string>();
  if (audit.find.mode === 'marker') {
    collectMarked(data, found);
    return found;
  }
  for (const { keys, bsnKey } of audit.find.paths) follow(data, keys, 0, bsnKey, found);
  return found;
}

function follow(value: unknown, keys: string[], i: number, bsnKey: string, found: Set<string>) {
  if (Array.isArray(value)) {
    for (const item of value) follow(item, keys, i, bsnKey, found);
    return;
  }
  if (!value || typeof value !== 'object') return;
  const obj = value as Record<string, unknown>;
  if (i === keys.length) {
    if (typeof obj[bsnKey] === 'string') found.add(obj[bsnKey] as string);
    return;
  }
  follow(obj[keys[i]!], keys, i + 1, bsnKey, found);
}

function collectMarked(data: unknown, found: Set<string>) {
  if (Array.isArray(data)) {
    for (const item of data) collectMarked(item, found);
  } else if (data && typeof data === 'object') {
    const obj = data as Record<string, unknown>;
    if (typeof obj[SUBJECT_MARKER] === 'string') {
      found.add(obj[SUBJECT_MARKER] as string);
      delete obj[SUBJECT_MARKER];
    }
    for (const v of Object.values(obj)) collectMarked(v, found);
  }
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
  // One array for every entry: the log sends entries that differ only in their subject as one group.
  const partnerList = [...partners];
  return [...input.subjects].map((bsn) => ({
    name: input.activity === 'caseload' ? 'caseload bekeken' : 'klantbeeld bekeken',
    activity: input.activity,
    operation: 'read' as const,
    subjectBsn: bsn,
    caller: input.caller,
    partners: partnerList,
    fields,
    startTime: input.startTime,
    status: input.failedPartners.size > 0 ? ('ERROR' as const) : ('OK' as const),
  }));
}
