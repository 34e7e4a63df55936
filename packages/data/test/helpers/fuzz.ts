/**
 * A seeded generator of random and mutated bytes for property tests: deterministic (the same
 * seed gives the same cases, so a failure reproduces), dependency-free, and biased towards the
 * values that break parsers (0, 1, 0x7f, 0x80, 0xff, all-ones and huge 32-bit integers).
 */
export class FuzzRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  /** Uniform in [0, 1) (mulberry32). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  bytes(length: number): Uint8Array {
    return Uint8Array.from({ length }, () => this.int(256));
  }

  interestingByte(): number {
    return this.pick([0, 1, 2, 3, 0x08, 0x0d, 0x0e, 0x7f, 0x80, 0xfe, 0xff, this.int(256)]);
  }

  interestingUint32(): number {
    return this.pick([0, 1, 2, 3, 28, 255, 256, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff, this.int(2 ** 32)]);
  }
}

/**
 * `input` with 1-4 random mutations: bit flips, interesting bytes, 32-bit integers written at
 * an offset (half the time inside the first `headerBytes`, where lengths and counts live),
 * truncation, appended garbage, and deleted, inserted or duplicated spans.
 */
export function mutateBytes(random: FuzzRandom, input: Uint8Array, headerBytes = 16): Uint8Array {
  let bytes: Uint8Array = Uint8Array.from(input);
  const rounds = 1 + random.int(4);
  for (let round = 0; round < rounds; round++) {
    const at = (limit = bytes.length) =>
      random.chance(0.5) ? random.int(Math.max(1, Math.min(headerBytes, limit))) : random.int(Math.max(1, limit));
    switch (random.int(8)) {
      case 0:
        if (bytes.length > 0) {
          const i = at();
          bytes[i] = bytes[i]! ^ (1 << random.int(8));
        }
        break;
      case 1:
        if (bytes.length > 0) bytes[at()] = random.interestingByte();
        break;
      case 2:
        if (bytes.length >= 4) new DataView(bytes.buffer).setUint32(at(bytes.length - 3), random.interestingUint32(), false);
        break;
      case 3:
        bytes = bytes.slice(0, random.int(bytes.length + 1));
        break;
      case 4:
        bytes = concat(bytes, random.bytes(1 + random.int(64)));
        break;
      case 5: {
        const start = random.int(bytes.length + 1);
        bytes = concat(bytes.subarray(0, start), bytes.subarray(Math.min(bytes.length, start + 1 + random.int(32))));
        break;
      }
      case 6: {
        const start = random.int(bytes.length + 1);
        bytes = concat(bytes.subarray(0, start), random.bytes(1 + random.int(32)), bytes.subarray(start));
        break;
      }
      default: {
        const start = random.int(bytes.length + 1);
        const chunk = bytes.slice(start, start + 1 + random.int(64));
        bytes = concat(bytes, chunk);
      }
    }
  }
  return bytes;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** CRC-32 (IEEE), for rewriting PNG chunks in fixtures. */
export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * A PNG whose header (IHDR) claims `width` x `height` while its pixel data stays that of the
 * small original: what a decompression-bomb image looks like to a decoder's header check.
 */
export function withClaimedPngSize(png: Uint8Array, width: number, height: number): Uint8Array {
  const out = Uint8Array.from(png);
  const view = new DataView(out.buffer);
  // Signature (8) + length (4) + 'IHDR' (4): width and height follow.
  view.setUint32(16, width, false);
  view.setUint32(20, height, false);
  view.setUint32(29, crc32(out.subarray(12, 29)), false);
  return out;
}
