// Test support: reads a sandbox's OpenAPI file and checks answers against it, so "the sandbox
// serves what its contract says" is tested, not assumed.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import type { Partner } from '../../adapters/common/partner.js';

export interface OpenApiDocument {
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, { required?: string[]; properties?: Record<string, unknown> }> };
}

export function openapiOf(partner: Partner): OpenApiDocument {
  const file = fileURLToPath(new URL(`../../adapters/${partner}/openapi.yaml`, import.meta.url));
  return parse(readFileSync(file, 'utf8')) as OpenApiDocument;
}

/** fastify's /a/:b/c → OpenAPI's /a/{b}/c */
export const openapiPath = (fastifyUrl: string) => fastifyUrl.replace(/:(\w+)/g, '{$1}');

/** A validator for `#/components/schemas/<name>` of the document (JSON Schema 2020-12, as in OpenAPI 3.1). */
export function schemaValidator(doc: OpenApiDocument, name: string) {
  const ajv = new Ajv2020.default({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema({ $id: 'openapi', components: doc.components }, 'openapi');
  const validate = ajv.compile({ $ref: `openapi#/components/schemas/${name}` });
  return (value: unknown): string[] => (validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));
}
