// PGlite is PostgreSQL inside one process: two processes on one data folder would corrupt it.
// A pid file guards the folder; a file left by a process that has died is taken over.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  const file = join(dir, 'ketenpoort.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(file, String(process.pid), { flag: 'wx' });
      return () => rm(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(await readFile(file, 'utf8').catch(() => ''));
      if (pid && pid !== process.pid && alive(pid)) {
        throw new Error(`data folder ${dir} is in use by process ${pid}; stop it first or set DATA_DIR`);
      }
      await rm(file, { force: true });
    }
  }
  throw new Error(`could not lock data folder ${dir}`);
}
