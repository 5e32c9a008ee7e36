// The root fields an operation asks for, with their argument values, following fragments at the
// root. The access policy looks at these before anything is fetched.
import {
  getArgumentValues,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from '../../lib/graphql.js';

export interface RootField {
  /** `Query.klant`, `Mutation.vraagToestemming`, ... */
  key: string;
  name: string;
  responseKey: string;
  node: FieldNode;
  args: Record<string, unknown>;
}

export interface Operation {
  operation: OperationDefinitionNode;
  fields: RootField[];
}

export function selectedOperation(document: DocumentNode, operationName?: string | null): OperationDefinitionNode | undefined {
  const ops = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition');
  if (operationName) return ops.find((o) => o.name?.value === operationName);
  return ops.length === 1 ? ops[0] : undefined;
}

export function rootFields(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName?: string | null,
): Operation | undefined {
  const operation = selectedOperation(document, operationName);
  if (!operation) return undefined;
  const rootType =
    operation.operation === 'query' ? schema.getQueryType() : operation.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
  if (!rootType) return { operation, fields: [] };
  const fragments = new Map(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === 'FragmentDefinition')
      .map((f) => [f.name.value, f]),
  );
  const fields: RootField[] = [];
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode) => {
    for (const s of set.selections) {
      if (s.kind === 'Field') {
        if (s.name.value === '__typename') continue;
        const def = rootType.getFields()[s.name.value];
        const args = def ? getArgumentValues(def, s, variables as Record<string, unknown>) : {};
        fields.push({ key: `${rootType.name}.${s.name.value}`, name: s.name.value, responseKey: s.alias?.value ?? s.name.value, node: s, args });
      } else if (s.kind === 'InlineFragment') {
        walk(s.selectionSet);
      } else if (!seen.has(s.name.value)) {
        seen.add(s.name.value);
        const f = fragments.get(s.name.value);
        if (f) walk(f.selectionSet);
      }
    }
  };
  walk(operation.selectionSet);
  return { operation, fields };
}
