// The REST API's OpenAPI document as the code generates it, without starting a server: the app is
// built (routes and their schemas) on an empty in-memory database and asked for its document.
// `npm run openapi` writes it to docs/openapi.json; a test fails when the committed one differs.
import { buildApp } from '../app.js';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/database.js';

export const DOCUMENT_FILE = 'docs/openapi.json';

export async function generateOpenApi(): Promise<Record<string, unknown>> {
  const db = await openDatabase({ dataDir: 'memory://' });
  try {
    // Production settings: the document describes what a deployment serves (no development issuer).
    // The real parts production insists on are named but never reached: the routes are only built.
    const key = Buffer.alloc(32).toString('base64');
    const config = loadConfig({
      NODE_ENV: 'production', LOG_LEVEL: 'silent', LOG_SUBJECT_KEY: key, KEY_ENCRYPTION_KEY: key,
      DATABASE_URL: 'postgresql://unused.invalid/ketenpoort', PUBLIC_URL: 'https://ketenpoort.invalid',
      OIDC_ISSUER: 'https://login.invalid', OIDC_JWKS_URL: 'https://login.invalid/jwks',
      UWV_ADAPTER_URL: 'https://uwv.invalid/graphql', CWI_ADAPTER_URL: 'https://cwi.invalid/graphql', GEMEENTE_ADAPTER_URL: 'https://gemeente.invalid/graphql',
    });
    const app = await buildApp({ config, db });
    try {
      await app.ready();
      return app.swagger() as unknown as Record<string, unknown>;
    } finally {
      await app.close();
    }
  } finally {
    await db.close();
  }
}

/** The file's text: stable formatting, so a diff shows what changed in the contract. */
export const documentText = (doc: unknown) => `${JSON.stringify(doc, null, 2)}\n`;
