// PGlite's writes made durable. PGlite starts PostgreSQL with `-F` (fsync off), and even with fsync
// on, its file system never reaches the disk: in PGlite 0.4's Emscripten build the file system that
// maps the data folder onto Node's `fs` (NODEFS) has no fsync of its own, so fsync() returns 0 and
// does nothing, and fdatasync() (PostgreSQL's default way to flush the write-ahead log on Linux) is
// a stub returning 0. A receipted report then survived the gateway's crash (it sat in the OS's page
// cache) but not the machine's. Checked with a scratch script opening PGlite (2026-12-05): fsync off
// by default; with `-F` removed, 0 flushes per commit and 26 at a CHECKPOINT; with
// wal_sync_method=fsync as well, 1 per commit.
//
// So PostgreSQL runs here with fsync on and wal_sync_method=fsync, and NODEFS's fsync is given a
// body that flushes the file (or folder) to the disk through Node's `fs`, before PostgreSQL starts:
// the recovery after a crash and its checkpoint then flush too. It is hooked in through PGlite's
// extension interface, whose `setup` may add to the Emscripten module's options (a `preRun`); an
// extension is the one hook PGlite offers that runs before PostgreSQL does.
//
// Each commit then waits for one flush of the log file, synchronously (PGlite is synchronous
// WebAssembly): docs/performance.md, "PGlite's durability", has what it costs.
import fs from 'node:fs';
import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { Extension } from '@electric-sql/pglite';

/** PostgreSQL's start parameters for PGlite: PGlite's own, with fsync on and the log flushed by fsync(). */
export function durableStartParams(defaults: readonly string[]): string[] {
  return [...defaults.filter((p) => p !== '-F'), '-c', 'fsync=on', '-c', 'wal_sync_method=fsync'];
}

/** EIO in Emscripten's (WASI's) numbering, what a stream operation returns for an I/O error. */
const EIO = 29;

interface EmscriptenStream {
  nfd?: number;
  node: { mode: number };
}

interface EmscriptenModule {
  FS: {
    filesystems: { NODEFS?: { stream_ops: Record<string, unknown>; realPath(node: unknown): string } };
    isDir(mode: number): boolean;
  };
}

/** The extension that gives NODEFS a real fsync. PGlite calls `setup` before it starts PostgreSQL. */
export const pgliteFsync: Extension = {
  name: 'kp-fsync',
  async setup(_pg, emscriptenOpts) {
    const preRun = [
      ...(emscriptenOpts.preRun ?? []),
      (mod: EmscriptenModule) => {
        const nodefs = mod.FS.filesystems.NODEFS;
        // Fail closed: a PGlite without this file system cannot be made durable here.
        if (!nodefs) throw new Error('PGlite has no NODEFS file system: its writes cannot be flushed to disk');
        nodefs.stream_ops.fsync = (stream: EmscriptenStream) => {
          try {
            if (stream.nfd !== undefined) {
              // fdatasync, PostgreSQL's own default for the log on Linux: the data and what is needed
              // to read it back (the file's size), not the times.
              fs.fdatasyncSync(stream.nfd);
            } else if (mod.FS.isDir(stream.node.mode)) {
              // A folder: NODEFS opens no descriptor for it, and a new log segment's name is only
              // durable once its folder is flushed.
              const fd = fs.openSync(nodefs.realPath(stream.node), 'r');
              try {
                fs.fsyncSync(fd);
              } finally {
                fs.closeSync(fd);
              }
            }
            return 0;
          } catch {
            // PostgreSQL sees fsync() fail with EIO and stops (a PANIC), as it does on a server:
            // a write it cannot flush is never acknowledged.
            return EIO;
          }
        };
      },
    ];
    return { emscriptenOpts: { ...emscriptenOpts, preRun } };
  },
};

/**
 * Flushes every file and folder under `dir`, and `dir`'s own name in its parent: what initdb does
 * when it finishes (fsync_pgdata). PGlite makes a new data folder through the same file system,
 * without a single flush of the ~970 files of the catalog (checked 2026-12-06: 5 flushes, the log
 * and the control file), and PostgreSQL later flushes only what it changes. So once, after PGlite
 * has made a new folder, everything in it goes to the disk before anything is acknowledged.
 */
export async function flushTree(dir: string): Promise<void> {
  const files: string[] = [];
  const folders: string[] = [];
  const walk = async (d: string) => {
    folders.push(d);
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) files.push(path);
    }
  };
  await walk(dir);
  // Files first, then their folders (a name is durable once its folder is), then the folder's own
  // entry in its parent. A few at a time: each flush waits for the disk in libuv's thread pool.
  // Looked up on `fs` when called, not imported from fs/promises: a test can watch them.
  const [open, fsync] = [promisify(fs.open), promisify(fs.fsync)];
  const flush = async (path: string) => {
    const fd = await open(path, 'r');
    try {
      await fsync(fd);
    } finally {
      fs.close(fd, () => {});
    }
  };
  for (const batch of [files, folders.reverse(), [dirname(dir)]]) {
    for (let i = 0; i < batch.length; i += 16) await Promise.all(batch.slice(i, i + 16).map(flush));
  }
}
