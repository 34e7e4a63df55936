import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { createGunzip } from 'node:zlib';
import { DataFormatError } from '../../errors';
import { TarParser } from './tar-parser';

export interface ExtractOptions {
  /** Only entries whose archive path passes are written. */
  filter?: (path: string) => boolean;
}

/**
 * Unpacks a .tar.gz into `destDir`, streaming (the archive is never held in memory). Each file is
 * written to `<file>.part` and renamed when complete, so an interrupted run leaves no truncated
 * file under its final name. Paths that would escape `destDir` are rejected.
 */
export async function extractTarGz(archive: string, destDir: string, options: ExtractOptions = {}): Promise<string[]> {
  const parser = new TarParser(archive);
  const written: string[] = [];
  let handle: FileHandle | null = null;
  let target: string | null = null;
  const gunzip = createReadStream(archive).pipe(createGunzip());

  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      for (const event of parser.push(chunk)) {
        if (event.kind === 'entry') {
          const { entry } = event;
          const out = safeJoin(destDir, entry.path, archive);
          if (entry.type === 'directory') {
            await mkdir(out, { recursive: true });
          } else if (entry.type === 'file' && (!options.filter || options.filter(entry.path))) {
            await mkdir(dirname(out), { recursive: true });
            target = out;
            handle = await open(`${out}.part`, 'w');
          }
        } else if (event.kind === 'data') {
          if (handle) await handle.write(event.bytes);
        } else if (handle && target) {
          await handle.close();
          handle = null;
          await rename(`${target}.part`, target);
          written.push(target);
          target = null;
        }
      }
    }
    parser.finish();
  } catch (error) {
    if (handle) await handle.close().catch(() => undefined);
    if (target) await rm(`${target}.part`, { force: true });
    if (error instanceof DataFormatError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code.startsWith('Z_') || /incorrect header|unexpected end|invalid/i.test((error as Error).message)) {
      throw new DataFormatError(`cannot gunzip ${archive}: ${(error as Error).message} (corrupt or truncated archive)`);
    }
    throw error;
  }
  return written;
}

function safeJoin(root: string, path: string, archive: string): string {
  const clean = normalize(path);
  if (isAbsolute(path) || clean === '..' || clean.startsWith(`..${sep}`)) {
    throw new DataFormatError(`${archive}: refusing entry '${path}', which points outside the destination folder`);
  }
  return join(root, clean);
}
