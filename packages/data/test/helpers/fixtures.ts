import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh temporary folder and its removal. */
export function tempDir(prefix = 'infomax-data-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A minimal ustar writer for fixtures (files only). `longName` entries use a GNU 'L' record,
 * `paxPath` a pax 'x' record, to exercise both long-name schemes.
 */
export function makeTar(entries: { path: string; data: Uint8Array; scheme?: 'ustar' | 'gnu-long' | 'pax' }[]): Uint8Array {
  const blocks: Uint8Array[] = [];
  const push = (bytes: Uint8Array) => {
    blocks.push(bytes);
    const pad = (512 - (bytes.length % 512)) % 512;
    if (pad) blocks.push(new Uint8Array(pad));
  };
  for (const entry of entries) {
    const scheme = entry.scheme ?? 'ustar';
    if (scheme === 'gnu-long') {
      const name = new TextEncoder().encode(`${entry.path}\0`);
      blocks.push(header('././@LongLink', name.length, 'L'));
      push(name);
      blocks.push(header(entry.path.slice(0, 99), entry.data.length, '0'));
    } else if (scheme === 'pax') {
      const body = paxRecord('path', entry.path);
      blocks.push(header('PaxHeader', body.length, 'x'));
      push(body);
      blocks.push(header(entry.path.slice(0, 99), entry.data.length, '0'));
    } else {
      blocks.push(header(entry.path, entry.data.length, '0'));
    }
    push(entry.data);
  }
  blocks.push(new Uint8Array(1024));
  const total = blocks.reduce((n, b) => n + b.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const b of blocks) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

function paxRecord(key: string, value: string): Uint8Array {
  const body = ` ${key}=${value}\n`;
  let length = body.length + 1;
  while (String(length).length + body.length !== length) length = String(length).length + body.length;
  return new TextEncoder().encode(`${length}${body}`);
}

function header(name: string, size: number, type: string): Uint8Array {
  const block = new Uint8Array(512);
  const put = (text: string, at: number) => block.set(new TextEncoder().encode(text), at);
  if (name.length > 100) throw new Error('fixture name too long for a plain ustar header');
  put(name, 0);
  put('0000644\0', 100);
  put('0000000\0', 108);
  put('0000000\0', 116);
  put(size.toString(8).padStart(11, '0') + '\0', 124);
  put('00000000000\0', 136);
  put('        ', 148);
  put(type, 156);
  put('ustar\0', 257);
  put('00', 263);
  let sum = 0;
  for (const b of block) sum += b;
  put(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  return block;
}

/**
 * CIFAR binary records with known content: pixel (plane c, position p) of record r holds
 * (r * 7 + c * 50 + p) mod 256, so the HWC conversion can be checked value by value.
 */
export function makeCifarRecords(labels: readonly number[], coarse?: readonly number[]): Uint8Array {
  const labelBytes = coarse ? 2 : 1;
  const record = labelBytes + 3072;
  const out = new Uint8Array(labels.length * record);
  labels.forEach((label, r) => {
    const base = r * record;
    if (coarse) out[base] = coarse[r]!;
    out[base + labelBytes - 1] = label;
    for (let c = 0; c < 3; c++) {
      for (let p = 0; p < 1024; p++) out[base + labelBytes + c * 1024 + p] = cifarPixel(r, c, p);
    }
  });
  return out;
}

export function cifarPixel(record: number, channel: number, position: number): number {
  return (record * 7 + channel * 50 + position) % 256;
}
