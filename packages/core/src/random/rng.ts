/**
 * A seeded, splittable random stream (xoshiro128**). Every source of randomness in infomax —
 * weight initialisation, shuffling, augmentation, AMDIM's source locations — draws from an `Rng`
 * so that a seed reproduces a run and a checkpoint can restore the exact stream position.
 */
export interface RngState {
  /** Four unsigned 32-bit words. */
  s: [number, number, number, number];
  /** A cached second Gaussian from Box-Muller, or null. */
  spare: number | null;
}

function splitmix32(seed: number): () => number {
  let z = seed >>> 0;
  return () => {
    z = (z + 0x9e3779b9) >>> 0;
    let t = z;
    t = Math.imul(t ^ (t >>> 16), 0x85ebca6b) >>> 0;
    t = Math.imul(t ^ (t >>> 13), 0xc2b2ae35) >>> 0;
    return (t ^ (t >>> 16)) >>> 0;
  };
}

/** 32-bit FNV-1a, used to derive child streams from names. */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

const rotl = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;

export class Rng {
  private s: [number, number, number, number];
  private spare: number | null = null;

  constructor(seed: number | string = 0) {
    const numeric = typeof seed === 'string' ? hashString(seed) : seed;
    if (!Number.isFinite(numeric)) {
      throw new Error(`Rng: seed must be a finite number or a string, got ${String(seed)}`);
    }
    // Mix both halves of a float seed so seeds above 2^32 still differ.
    const next = splitmix32((numeric >>> 0) ^ hashString(String(Math.floor(numeric / 2 ** 32))));
    this.s = [next(), next(), next(), next()];
    if (this.s.every((w) => w === 0)) this.s[0] = 1;
  }

  static fromState(state: RngState): Rng {
    const rng = new Rng(0);
    rng.setState(state);
    return rng;
  }

  /** Next unsigned 32-bit integer. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] = (s[2] ^ s[0]) >>> 0;
    s[3] = (s[3] ^ s[1]) >>> 0;
    s[1] = (s[1] ^ s[2]) >>> 0;
    s[0] = (s[0] ^ s[3]) >>> 0;
    s[2] = (s[2] ^ t) >>> 0;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform in [low, high). */
  uniform(low = 0, high = 1): number {
    return low + (high - low) * this.next();
  }

  /** Uniform integer in [low, high] (both inclusive). */
  int(low: number, high: number): number {
    if (!Number.isInteger(low) || !Number.isInteger(high) || high < low) {
      throw new Error(`Rng.int: need integers low <= high, got [${low}, ${high}]`);
    }
    return low + Math.floor(this.next() * (high - low + 1));
  }

  /** True with probability p. */
  bernoulli(p: number): boolean {
    return this.next() < p;
  }

  /** Standard normal (Box-Muller), scaled and shifted. */
  normal(mean = 0, std = 1): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return mean + std * z;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return mean + std * r * Math.cos(2 * Math.PI * v);
  }

  /** Fills a Float32Array with uniform [low, high) values. */
  uniformArray(length: number, low = 0, high = 1): Float32Array {
    const out = new Float32Array(length);
    for (let i = 0; i < length; i++) out[i] = this.uniform(low, high);
    return out;
  }

  /** Fills a Float32Array with normal values. */
  normalArray(length: number, mean = 0, std = 1): Float32Array {
    const out = new Float32Array(length);
    for (let i = 0; i < length; i++) out[i] = this.normal(mean, std);
    return out;
  }

  /** A permutation of 0..n-1 (Fisher-Yates). */
  permutation(n: number): Int32Array {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const tmp = out[i]!;
      out[i] = out[j]!;
      out[j] = tmp;
    }
    return out;
  }

  /**
   * An independent child stream named `name`. Forking does not advance this stream, so adding
   * a new consumer never shifts the randomness of existing ones.
   */
  fork(name: string): Rng {
    const child = new Rng(0);
    const h = hashString(name);
    const mix = splitmix32(h ^ this.s[0] ^ rotl(this.s[1], 7) ^ rotl(this.s[2], 13) ^ rotl(this.s[3], 19));
    child.s = [mix(), mix(), mix(), mix()];
    if (child.s.every((w) => w === 0)) child.s[0] = 1;
    return child;
  }

  /** A 32-bit seed drawn from this stream (for APIs that take a numeric seed). */
  seed(): number {
    return this.nextUint32();
  }

  getState(): RngState {
    return { s: [...this.s], spare: this.spare };
  }

  setState(state: RngState): void {
    if (
      !state ||
      !Array.isArray(state.s) ||
      state.s.length !== 4 ||
      !state.s.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff)
    ) {
      throw new Error('Rng.setState: state must be { s: four uint32 words, spare: number | null }');
    }
    this.s = [state.s[0], state.s[1], state.s[2], state.s[3]];
    this.spare = typeof state.spare === 'number' ? state.spare : null;
  }
}
