// GraphQL limits from the start (graphql-armor's validation rules, a well-kept library): bounded
// depth, aliases and cost, so one request cannot make the gateway fan out without end to partners.
// Introspection is off in production: the schema is documented in schema/, not discovered.
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { NoSchemaIntrospectionCustomRule, type ValidationRule } from '../../lib/graphql.js';

export const LIMITS = { depth: 10, aliases: 15, cost: 20_000 } as const;

export function validationRules(production: boolean): ValidationRule[] {
  const rules = [
    maxDepthRule({ n: LIMITS.depth, flattenFragments: true }),
    maxAliasesRule({ n: LIMITS.aliases }),
    costLimitRule({ maxCost: LIMITS.cost, objectCost: 2, scalarCost: 1, depthCostFactor: 1.5 }),
  ] as unknown as ValidationRule[];
  if (production) rules.push(NoSchemaIntrospectionCustomRule);
  return rules;
}
