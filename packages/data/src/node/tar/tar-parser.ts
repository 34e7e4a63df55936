import { DataFormatError } from '../../errors';

const BLOCK = 512;

export interface TarEntry {
  /** Path inside the archive ('/'-separated, as stored). */
  path: string;
  type: 'file' | 'directory' | 'other';
  size: number;
  mode: number;
}

export type TarEvent =
  | { kind: 'entry'; entry: TarEntry }
  | { kind: 'data'; bytes: Uint8Array }
  | { kind: 'entry-end' };

type State =
  | { at: 'header' }
  | { at: 'body'; remaining: number; padding: number; target: 'entry' | 'meta' }
  | { at: 'padding'; remaining: number }
  | { at: 'end' };

/**
 * A streaming reader of ustar / GNU / pax tar archives: feed it chunks of any size, get entry
 * events back. It handles what real archives use for long names (GNU 'L' records, pax `path`),
 * checks every header checksum, and never buffers more than one block or one metadata record.
 */
export class TarParser {
  private queue: Uint8Array[] = [];
  private queued = 0;
  private state: State = { at: 'header' };
  private offset = 0;
  private current: TarEntry | null = null;
  private meta: Uint8Array[] = [];
  private metaKind: 'longname' | 'pax' | 'skip' = 'skip';
  private nextPath: string | null = null;
  private nextSize: number | null = null;

  constructor(private readonly source = 'tar archive') {}

  /** Parses what it can of the bytes so far. */
  push(chunk: Uint8Array): TarEvent[] {
    if (chunk.length > 0) {
      this.queue.push(chunk);
      this.queued += chunk.length;
    }
    const events: TarEvent[] = [];
    for (;;) {
      const state = this.state;
      if (state.at === 'end') {
        this.queue = [];
        this.queued = 0;
        return events;
      }
      if (state.at === 'header') {
        if (this.queued < BLOCK) return events;
        this.readHeader(this.take(BLOCK), events);
      } else if (state.at === 'body') {
        if (state.remaining > 0) {
          if (this.queued === 0) return events;
          const bytes = this.takeUpTo(state.remaining);
          state.remaining -= bytes.length;
          if (state.target === 'entry') events.push({ kind: 'data', bytes });
          else this.meta.push(bytes.slice());
          continue;
        }
        if (state.target === 'entry') {
          events.push({ kind: 'entry-end' });
          this.current = null;
        } else {
          this.finishMeta();
        }
        this.state = state.padding > 0 ? { at: 'padding', remaining: state.padding } : { at: 'header' };
      } else {
        if (this.queued === 0) return events;
        state.remaining -= this.takeUpTo(state.remaining).length;
        if (state.remaining === 0) this.state = { at: 'header' };
      }
    }
  }

  /** Call at the end of input: throws if the archive stopped inside an entry. */
  finish(): void {
    if (this.state.at === 'body' && this.state.remaining > 0) {
      const what = this.current ? `entry ${this.current.path}` : 'a metadata record';
      const size = this.current?.size;
      throw new DataFormatError(
        `${this.source}: truncated inside ${what}` +
          (size !== undefined ? ` (${size - this.state.remaining} of ${size} bytes present)` : ''),
      );
    }
    if (this.state.at === 'header' && this.queued > 0) {
      throw new DataFormatError(`${this.source}: truncated: ${this.queued} stray bytes where a 512-byte header should be`);
    }
  }

  private readHeader(block: Uint8Array, events: TarEvent[]): void {
    const at = this.offset - BLOCK;
    if (block.every((b) => b === 0)) {
      this.state = { at: 'end' };
      return;
    }
    const stored = parseOctal(block.subarray(148, 156));
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
    if (stored !== sum) {
      throw new DataFormatError(
        `${this.source}: bad header checksum at byte ${at} (stored ${stored}, computed ${sum}): not a tar archive, or corrupt`,
      );
    }
    const typeflag = String.fromCharCode(block[156]!);
    let path = cString(block.subarray(0, 100));
    const magic = cString(block.subarray(257, 263));
    // POSIX ustar splits long paths into prefix + name; old GNU headers use that area for times.
    if (magic === 'ustar' && block[263] === 0x30) {
      const prefix = cString(block.subarray(345, 500));
      if (prefix) path = `${prefix}/${path}`;
    }
    let size = parseSize(block.subarray(124, 136));
    if (this.nextPath !== null) path = this.nextPath;
    if (this.nextSize !== null) size = this.nextSize;
    const padding = (BLOCK - (size % BLOCK)) % BLOCK;

    if (typeflag === 'L' || typeflag === 'x' || typeflag === 'g') {
      // Metadata for the next header; 'g' (global pax) is read and ignored.
      this.metaKind = typeflag === 'L' ? 'longname' : typeflag === 'x' ? 'pax' : 'skip';
      this.meta = [];
      this.nextPath = null;
      this.nextSize = null;
      this.state = { at: 'body', remaining: parseSize(block.subarray(124, 136)), padding, target: 'meta' };
      return;
    }
    this.nextPath = null;
    this.nextSize = null;
    const type = typeflag === '0' || typeflag === '\0' || typeflag === '7' ? 'file' : typeflag === '5' ? 'directory' : 'other';
    const entry: TarEntry = { path, type, size, mode: parseOctal(block.subarray(100, 108)) };
    this.current = entry;
    events.push({ kind: 'entry', entry });
    this.state = { at: 'body', remaining: size, padding, target: 'entry' };
  }

  private finishMeta(): void {
    const total = this.meta.reduce((n, m) => n + m.length, 0);
    const bytes = new Uint8Array(total);
    let at = 0;
    for (const m of this.meta) {
      bytes.set(m, at);
      at += m.length;
    }
    this.meta = [];
    if (this.metaKind === 'longname') {
      this.nextPath = cString(bytes);
    } else if (this.metaKind === 'pax') {
      // Records are "<length> <key>=<value>\n"; the length counts the whole record in bytes.
      let pos = 0;
      while (pos < bytes.length) {
        const space = bytes.indexOf(0x20, pos);
        if (space < 0) break;
        const length = Number(new TextDecoder().decode(bytes.subarray(pos, space)));
        if (!Number.isInteger(length) || length <= 0) break;
        const record = new TextDecoder().decode(bytes.subarray(space + 1, pos + length - 1));
        const eq = record.indexOf('=');
        const key = record.slice(0, eq);
        const value = record.slice(eq + 1);
        if (key === 'path') this.nextPath = value;
        if (key === 'size') this.nextSize = Number(value);
        pos += length;
      }
    }
  }

  /** Exactly n bytes (n <= queued), copying only when they span chunks. */
  private take(n: number): Uint8Array {
    const head = this.queue[0]!;
    if (head.length >= n) {
      this.advance(n);
      return head.subarray(0, n);
    }
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) filled += this.copyFront(out, filled, n - filled);
    return out;
  }

  /** Up to n bytes from the front chunk, without copying. */
  private takeUpTo(n: number): Uint8Array {
    const head = this.queue[0]!;
    const count = Math.min(n, head.length);
    this.advance(count);
    return head.subarray(0, count);
  }

  private copyFront(out: Uint8Array, at: number, want: number): number {
    const head = this.queue[0]!;
    const count = Math.min(want, head.length);
    out.set(head.subarray(0, count), at);
    this.advance(count);
    return count;
  }

  private advance(n: number): void {
    const head = this.queue[0]!;
    if (n === head.length) this.queue.shift();
    else this.queue[0] = head.subarray(n);
    this.queued -= n;
    this.offset += n;
  }
}

function cString(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return new TextDecoder().decode(end < 0 ? bytes : bytes.subarray(0, end));
}

function parseOctal(bytes: Uint8Array): number {
  const text = cString(bytes).trim();
  return text ? parseInt(text, 8) : 0;
}

/** Octal, or GNU base-256 (high bit set) for sizes of 8 GiB and more. */
function parseSize(bytes: Uint8Array): number {
  if ((bytes[0]! & 0x80) !== 0) {
    let value = bytes[0]! & 0x7f;
    for (let i = 1; i < bytes.length; i++) value = value * 256 + bytes[i]!;
    return value;
  }
  const value = parseOctal(bytes);
  if (!Number.isFinite(value) || value < 0) throw new DataFormatError(`tar: invalid size field`);
  return value;
}
