// `npm run openapi`: writes the REST API's OpenAPI document (generated from the route schemas) to
// docs/openapi.json. `npm run openapi -- --check` only compares and fails when they differ.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DOCUMENT_FILE, documentText, generateOpenApi } from '../gateway/openapi/document.js';

const file = fileURLToPath(new URL(`../${DOCUMENT_FILE}`, import.meta.url));
const text = documentText(await generateOpenApi());
if (process.argv.includes('--check')) {
  let committed = '';
  try {
    committed = readFileSync(file, 'utf8');
  } catch {
    // missing: differs
  }
  if (committed !== text) {
    console.error(`${DOCUMENT_FILE} differs from the document the routes generate: run \`npm run openapi\` and commit it`);
    process.exit(1);
  }
  console.log(`${DOCUMENT_FILE} matches the routes`);
} else {
  writeFileSync(file, text);
  console.log(`wrote ${DOCUMENT_FILE}`);
}
