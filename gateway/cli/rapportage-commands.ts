// `ketenpoort verify-chain [<blok-id>]`: checks the hash chain of one rapportage block or of all,
// read-only. Exit 0 when every chain verifies; 1 when one is broken, naming the first broken row of
// each broken block, so an auditor knows where to look.
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { verifyBlocks, type ChainResult } from '../rapportage/chain.js';
import { openConfiguredDatabase } from '../runtime.js';
import type { Command } from './commands.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const help = `usage: ketenpoort verify-chain [<blok-id>] [--json]

Verifies the hash chain of a rapportage block (or of every block): each report's hash over its
content, the link to the previous report, and an unbroken sequence. Changes nothing.

  --json   print the result of every block as JSON lines
Exit status: 0 all chains verify, 1 a chain is broken (the first broken row is named), 2 usage.`;

function describe(r: ChainResult): string {
  if (r.ok) return `ok      blok ${r.blokId}: ${r.rows} rapportage(s), head ${r.head ?? '-'}`;
  const b = r.broken!;
  return `BROKEN  blok ${r.blokId}: rapportage ${b.rapportageId} (volgnummer ${b.sequence}): ${b.reason}`;
}

export const verifyChainCommand: Command = {
  summary: 'verify the hash chain of rapportage blocks',
  help,
  async run(args) {
    let parsed;
    try {
      parsed = parseArgs({ args, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
    } catch (err) {
      console.error(`ketenpoort verify-chain: ${(err as Error).message}\n\n${help}`);
      return 2;
    }
    if (parsed.values.help) {
      console.log(help);
      return 0;
    }
    const blokId = parsed.positionals[0];
    if (parsed.positionals.length > 1 || (blokId && !UUID.test(blokId))) {
      console.error(`ketenpoort verify-chain: name at most one block, by its id (uuid)\n\n${help}`);
      return 2;
    }
    const db = await openConfiguredDatabase(loadConfig());
    try {
      const [table] = await db.prisma.$queryRaw<{ present: boolean }[]>`SELECT to_regclass('rapportage') IS NOT NULL AS present`;
      if (!table?.present) {
        console.error('ketenpoort verify-chain: this database has no rapportage tables (run ketenpoort migrate first)');
        return 2;
      }
      if (blokId && !(await db.prisma.rapportageBlok.findUnique({ where: { id: blokId.toLowerCase() } }))) {
        console.error(`ketenpoort verify-chain: no rapportage block ${blokId}`);
        return 2;
      }
      const results = await verifyBlocks(db.prisma, blokId ? [blokId.toLowerCase()] : undefined);
      for (const r of results) console.log(parsed.values.json ? JSON.stringify(r) : describe(r));
      const broken = results.filter((r) => !r.ok).length;
      if (!parsed.values.json) console.log(broken ? `${broken} of ${results.length} block(s) broken` : `${results.length} block(s) verified`);
      return broken ? 1 : 0;
    } finally {
      await db.close();
    }
  },
};
