// The re-integratiebureau's pages (/rib, "Ons blok"): the bureau's own trajectories with the
// consent state and report deadlines, asking consent, writing reports with PDFs and their receipts,
// and the history of the bureau's own block. Only a RIB's coach reaches them. Every read and write
// goes through the graph or the RIB REST API with the coach's own token (api.ts), so the rules are
// the API's. The REST API's own paths (/rib/v1/…) are registered outside this area.
import fastifyMultipart, { type MultipartFile } from '@fastify/multipart';
import { MAX_PDF_BYTES } from '../../rapportage/attachments.js';
import type { RoleArea } from '../shared/role-area.js';
import { createRibApi } from './api.js';
import { ribOntvangstRoutes } from './ontvangst.js';
import { ribOverzichtRoutes } from './overzicht.js';
import { ribRapportageRoutes, type Upload } from './rapportage-acties.js';
import { ribToestemmingRoutes } from './toestemming.js';
import { ribTrajectRoutes } from './traject.js';

/** Files of the report form: read whole (at most 5 × 10 MiB), kept with their name; too large is marked, not thrown. */
async function onFile(part: MultipartFile & { value?: unknown }) {
  const data = await part.toBuffer();
  part.value = { filename: part.filename, data, truncated: part.file.truncated } satisfies Upload;
}

export const ribArea: RoleArea = {
  role: 'rib',
  base: '/rib',
  section: 'Re-integratiebureau',
  nav: [{ href: '/rib', label: 'Ons blok' }],
  async routes(app, pages) {
    // Multipart only in this area (the report form's PDFs); fields arrive as plain strings, so the
    // CSRF check and drafts read them as they read any form.
    await app.register(fastifyMultipart, {
      attachFieldsToBody: 'keyValues',
      onFile,
      throwFileSizeLimit: false,
      limits: { fileSize: MAX_PDF_BYTES, files: 5, fields: 200, fieldSize: 10_000, parts: 210 },
    });
    const api = createRibApi(app, pages);
    await ribOverzichtRoutes(app, pages, api);
    await ribTrajectRoutes(app, pages, api);
    await ribToestemmingRoutes(app, pages, api);
    await ribRapportageRoutes(app, pages, api);
    await ribOntvangstRoutes(app, pages);
  },
};
