// `ketenpoort verify-chain [<blok-id>] [--receipts FILE]`: checks the hash chain of one rapportage
// block or of all, against each block's signed chain head and, given them, the receipts a RIB kept.
// Read-only. Exit 0 when everything verifies; 1 when a chain is broken (naming the first broken
// row of each broken block, or the report a head or receipt names that is gone) or a receipt is
// not signed by this gateway, so an auditor knows where to look.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import type { Db } from '../db/database.js';
import type { ChainResult } from '../rapportage/chain.js';
import { parseReceipts, verifyAnchoredChains } from '../rapportage/chain-anchor.js';
import { createChainHeadSigner } from '../rapportage/chain-head.js';
import { openConfiguredDatabase } from '../runtime.js';
import type { Command } from './command.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const help = `usage: ketenpoort verify-chain [<blok-id>] [--receipts FILE] [--json]

Verifies the hash chain of a rapportage block (or of every block): each report's hash over its
content, the link to the previous report, an unbroken sequence, and that the rows end at the
block's signed chain head. Changes nothing.

  --receipts FILE  receipts a RIB kept (JSON: one receipt, an array, or JSON lines; block
                   listings and chain heads noted by a client or klantmanager also do). Each
                   receipt's signed chain head must still be in the database: this detects a
                   database restored from an older backup, and removed reports or blocks.
  --json           print the result of every block as JSON lines
Uses the same CHAIN_HEAD_KEY (or LOG_SUBJECT_KEY) as the gateway, to check the signatures.
Exit status: 0 all chains verify, 1 a chain is broken or a receipt is not this gateway's, 2 usage.`;

const EXPLAIN: Record<NonNullable<ChainResult['broken']>['reason'], string> = {
  'sequence-gap': 'a report is missing from the sequence',
  'prev-hash-mismatch': 'the link to the previous report does not match',
  'hash-mismatch': 'the report changed after it was stored',
  'head-missing': 'the block has reports but no signed chain-head record',
  'head-forged': "the chain-head record's signature does not verify",
  'rows-removed': 'the newest report(s) were removed: the signed chain head names this one',
  'head-behind': 'reports after the signed chain head (written past the gateway, or the head was set back)',
  'head-mismatch': 'another report stands where the signed chain head points',
  'blok-removed': 'the block was removed or emptied',
  'behind-receipt': 'a receipt names a later report than the database has (restored from an older backup?)',
  'receipt-mismatch': 'a receipt names another report at this place (history rewritten)',
};

function describe(r: ChainResult): string {
  if (r.ok) return `ok      blok ${r.blokId}: ${r.rows} rapportage(s), head ${r.head ?? '-'}${r.anchored ? ', signed head matches' : ''}${r.receipts ? `, ${r.receipts} receipt(s) match` : ''}`;
  const b = r.broken!;
  const extra = 'databaseSequence' in b ? ` (the database ends at volgnummer ${b.databaseSequence})` : 'namedBy' in b ? ` (named by ${b.namedBy === 'head' ? 'its chain-head record' : 'a receipt'})` : '';
  return `BROKEN  blok ${r.blokId}: rapportage ${b.rapportageId} (volgnummer ${b.sequence}): ${b.reason}: ${EXPLAIN[b.reason]}${extra}`;
}

async function readReceipts(file: string): Promise<unknown[] | string> {
  try {
    return parseReceipts(await readFile(file, 'utf8'));
  } catch (err) {
    return `cannot read receipts from ${file}: ${(err as Error).message}`;
  }
}

/** Where verify-chain reads and writes: the configured database and the console, or a test's. */
export interface VerifyChainIo {
  open(): Promise<{ prisma: Db; chainHeadKey: Buffer; close(): Promise<void> }>;
  out(line: string): void;
  err(line: string): void;
}

const consoleIo: VerifyChainIo = {
  async open() {
    const config = loadConfig();
    const db = await openConfiguredDatabase(config);
    return { prisma: db.prisma, chainHeadKey: config.chainHeadKey, close: () => db.close() };
  },
  out: (line) => console.log(line),
  err: (line) => console.error(line),
};

export async function verifyChain(args: string[], io: VerifyChainIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { json: { type: 'boolean' }, receipts: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (err) {
    io.err(`ketenpoort verify-chain: ${(err as Error).message}\n\n${help}`);
    return 2;
  }
  if (parsed.values.help) {
    io.out(help);
    return 0;
  }
  const blokId = parsed.positionals[0]?.toLowerCase();
  if (parsed.positionals.length > 1 || (blokId && !UUID.test(blokId))) {
    io.err(`ketenpoort verify-chain: name at most one block, by its id (uuid)\n\n${help}`);
    return 2;
  }
  const receipts = parsed.values.receipts ? await readReceipts(parsed.values.receipts) : [];
  if (typeof receipts === 'string') {
    io.err(`ketenpoort verify-chain: ${receipts}`);
    return 2;
  }
  const db = await io.open();
  try {
    const [table] = await db.prisma.$queryRaw<{ present: boolean }[]>`SELECT to_regclass('keten_hoofd') IS NOT NULL AS present`;
    if (!table?.present) {
      io.err('ketenpoort verify-chain: this database has no rapportage tables, or an older version of them (run ketenpoort migrate first)');
      return 2;
    }
    // A block that was removed is still known by its head record, or by the receipts given.
    const known = async (id: string) =>
      Boolean((await db.prisma.rapportageBlok.findUnique({ where: { id } })) ?? (await db.prisma.ketenHoofd.findUnique({ where: { blokId: id } })));
    if (blokId && !parsed.values.receipts && !(await known(blokId))) {
      io.err(`ketenpoort verify-chain: no rapportage block ${blokId}`);
      return 2;
    }
    const { results, trustedReceipts, untrustedReceipts } = await verifyAnchoredChains(db.prisma, createChainHeadSigner(db.chainHeadKey), {
      blokIds: blokId ? [blokId] : undefined,
      receipts,
    });
    const json = parsed.values.json;
    for (const r of results) io.out(json ? JSON.stringify(r) : describe(r));
    for (const u of untrustedReceipts) {
      io.out(json ? JSON.stringify({ untrustedReceipt: u.index, why: u.why }) : `UNTRUSTED receipt ${u.index + 1}: ${u.why}; not used`);
    }
    const broken = results.filter((r) => !r.ok).length;
    if (!json) {
      io.out(`${broken ? `${broken} of ${results.length} block(s) broken` : `${results.length} block(s) verified`}${parsed.values.receipts ? `, ${trustedReceipts} signed receipt(s) compared` : ''}`);
    }
    return broken || untrustedReceipts.length ? 1 : 0;
  } finally {
    await db.close();
  }
}

export const verifyChainCommand: Command = {
  summary: 'verify the hash chain of rapportage blocks, against their signed heads and kept receipts',
  help,
  run: (args) => verifyChain(args, consoleIo),
};
