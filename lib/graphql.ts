// graphql-js, loaded the way mercurius loads it. graphql ships both ESM (.mjs) and CommonJS files;
// an ESM `import 'graphql'` gets a second copy next to the CommonJS one mercurius requires, and
// graphql refuses objects from "another realm" (its instanceof checks). Import graphql through
// this module, never directly, in code that touches mercurius's schema or documents.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const graphql = require('graphql') as typeof import('graphql');

export const {
  Kind,
  NoSchemaIntrospectionCustomRule,
  TypeInfo,
  getArgumentValues,
  getNamedType,
  parse,
  visit,
  visitWithTypeInfo,
} = graphql;

export type {
  DocumentNode,
  ExecutionResult,
  FieldNode,
  FragmentDefinitionNode,
  GraphQLSchema,
  OperationDefinitionNode,
  SelectionSetNode,
  ValidationRule,
} from 'graphql';
