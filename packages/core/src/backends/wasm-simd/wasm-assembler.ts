/**
 * A minimal WebAssembly binary writer: just what infomax's SIMD kernels need (i32 / f32 / v128
 * locals, structured control flow, loads and stores on one imported memory). Kernels are
 * written as TypeScript that emits instructions, so no wasm toolchain is needed to build them.
 */

export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof F32 | typeof V128;

function uleb(value: number, out: number[]): void {
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
}

function sleb(value: number, out: number[]): void {
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return;
  }
}

function name(text: string, out: number[]): void {
  const bytes = new TextEncoder().encode(text);
  uleb(bytes.length, out);
  out.push(...bytes);
}

/** A local variable (or parameter) of the function being written. */
export type Local = { readonly index: number; readonly type: ValType };

/** The body of one function: declare locals, then emit instructions in order. */
export class FunctionWriter {
  readonly code: number[] = [];
  private readonly extraLocals: ValType[] = [];
  readonly params: Local[];

  constructor(
    readonly exportName: string,
    paramTypes: readonly ValType[],
    /** At most one: the value left on the stack at the end of the body. */
    private readonly resultTypes: readonly ValType[] = [],
  ) {
    this.params = paramTypes.map((type, index) => ({ index, type }));
  }

  local(type: ValType): Local {
    this.extraLocals.push(type);
    return { index: this.params.length + this.extraLocals.length - 1, type };
  }

  private op(...bytes: number[]): this {
    this.code.push(...bytes);
    return this;
  }

  private simd(opcode: number): this {
    this.code.push(0xfd);
    uleb(opcode, this.code);
    return this;
  }

  private memarg(align: number, offset: number): this {
    uleb(align, this.code);
    uleb(offset, this.code);
    return this;
  }

  // Control flow. Blocks and loops take no values and produce none.
  block(): this {
    return this.op(0x02, 0x40);
  }
  loop(): this {
    return this.op(0x03, 0x40);
  }
  if(): this {
    return this.op(0x04, 0x40);
  }
  else(): this {
    return this.op(0x05);
  }
  end(): this {
    return this.op(0x0b);
  }
  br(depth: number): this {
    this.op(0x0c);
    uleb(depth, this.code);
    return this;
  }
  brIf(depth: number): this {
    this.op(0x0d);
    uleb(depth, this.code);
    return this;
  }

  get(l: Local): this {
    this.op(0x20);
    uleb(l.index, this.code);
    return this;
  }
  set(l: Local): this {
    this.op(0x21);
    uleb(l.index, this.code);
    return this;
  }
  tee(l: Local): this {
    this.op(0x22);
    uleb(l.index, this.code);
    return this;
  }

  i32(value: number): this {
    this.op(0x41);
    sleb(value, this.code);
    return this;
  }
  f32(value: number): this {
    this.op(0x43);
    this.code.push(...new Uint8Array(new Float32Array([value]).buffer));
    return this;
  }
  i32Add(): this {
    return this.op(0x6a);
  }
  i32Sub(): this {
    return this.op(0x6b);
  }
  i32Mul(): this {
    return this.op(0x6c);
  }
  i32Shl(): this {
    return this.op(0x74);
  }
  i32ShrU(): this {
    return this.op(0x76);
  }
  i32DivU(): this {
    return this.op(0x6e);
  }
  i32RemU(): this {
    return this.op(0x70);
  }
  i32GeU(): this {
    return this.op(0x4f);
  }
  i32Ne(): this {
    return this.op(0x47);
  }
  i32Eq(): this {
    return this.op(0x46);
  }
  drop(): this {
    return this.op(0x1a);
  }
  /** Pops c, b, a and pushes a if c is non-zero, else b. */
  select(): this {
    return this.op(0x1b);
  }
  /** Calls function `index` of the module (its position in `assembleModule`'s list). */
  call(index: number): this {
    this.op(0x10);
    uleb(index, this.code);
    return this;
  }
  i32Load(offset = 0): this {
    return this.op(0x28).memarg(2, offset);
  }

  // Threads proposal: atomic accesses (sequentially consistent) on aligned i32 words.
  private atomic(opcode: number, offset: number): this {
    this.code.push(0xfe);
    uleb(opcode, this.code);
    return this.memarg(2, offset);
  }
  i32AtomicLoad(offset = 0): this {
    return this.atomic(0x10, offset);
  }
  /** [address, value] -> the old value; adds value. */
  i32AtomicRmwAdd(offset = 0): this {
    return this.atomic(0x1e, offset);
  }
  /** [address, expected, replacement] -> the old value; stores replacement if old == expected. */
  i32AtomicRmwCmpxchg(offset = 0): this {
    return this.atomic(0x48, offset);
  }
  i32Eqz(): this {
    return this.op(0x45);
  }
  i32LtS(): this {
    return this.op(0x48);
  }
  i32LtU(): this {
    return this.op(0x49);
  }
  i32And(): this {
    return this.op(0x71);
  }
  i32Or(): this {
    return this.op(0x72);
  }
  i32GeS(): this {
    return this.op(0x4e);
  }
  i32LeS(): this {
    return this.op(0x4c);
  }
  i32GtS(): this {
    return this.op(0x4a);
  }

  f32Load(offset = 0): this {
    return this.op(0x2a).memarg(2, offset);
  }
  f32Store(offset = 0): this {
    return this.op(0x38).memarg(2, offset);
  }
  f32Add(): this {
    return this.op(0x92);
  }
  f32Ne(): this {
    return this.op(0x5c);
  }
  f32Mul(): this {
    return this.op(0x94);
  }

  v128Load(offset = 0): this {
    return this.simd(0x00).memarg(2, offset);
  }
  v128Load32Splat(offset = 0): this {
    return this.simd(0x09).memarg(2, offset);
  }
  v128Store(offset = 0): this {
    return this.simd(0x0b).memarg(2, offset);
  }
  v128Zero(): this {
    this.simd(0x0c);
    this.code.push(...new Array<number>(16).fill(0));
    return this;
  }
  f32x4Splat(): this {
    return this.simd(0x13);
  }
  f32Sub(): this {
    return this.op(0x93);
  }
  f32Div(): this {
    return this.op(0x95);
  }
  f32Sqrt(): this {
    return this.op(0x91);
  }
  f32x4Add(): this {
    return this.simd(0xe4);
  }
  f32x4Sub(): this {
    return this.simd(0xe5);
  }
  f32x4Div(): this {
    return this.simd(0xe7);
  }
  f32x4Sqrt(): this {
    return this.simd(0xe3);
  }
  f32x4Mul(): this {
    return this.simd(0xe6);
  }
  // For kernels with masks, exponentials and float64 sums (the fused InfoNCE passes of bounds).
  i32Store(offset = 0): this {
    return this.op(0x36).memarg(2, offset);
  }
  /** One byte, zero-extended to i32. */
  i32Load8U(offset = 0): this {
    return this.op(0x2d).memarg(0, offset);
  }
  /** A 16-byte constant: the bytes of `value` (any typed array of 16 bytes: 4 f32, 2 f64, ...). */
  v128Const(value: ArrayBufferView): this {
    if (value.byteLength !== 16) throw new RangeError(`v128Const needs 16 bytes, got ${value.byteLength}`);
    this.simd(0x0c);
    this.code.push(...new Uint8Array(value.buffer, value.byteOffset, 16));
    return this;
  }
  /** 4 bytes into lane 0 (as i32), the other lanes zero; reads nothing past the 4 bytes. */
  v128Load32Zero(offset = 0): this {
    return this.simd(0x5c).memarg(2, offset);
  }
  /** Pops a, b: bytes picked from the 32 bytes of a then b, `lanes` (16 indices 0..31) in order. */
  i8x16Shuffle(lanes: readonly number[]): this {
    if (lanes.length !== 16 || lanes.some((l) => !(l >= 0 && l < 32))) throw new RangeError('i8x16Shuffle needs 16 lane indices in 0..31');
    this.simd(0x0d);
    this.code.push(...lanes);
    return this;
  }
  i32x4Splat(): this {
    return this.simd(0x11);
  }
  i32x4ExtractLane(lane: number): this {
    this.simd(0x1b);
    this.code.push(lane);
    return this;
  }
  /** Pops a vector and an i32: the vector with lane `lane` replaced. */
  i32x4ReplaceLane(lane: number): this {
    this.simd(0x1c);
    this.code.push(lane);
    return this;
  }
  /** Pops a vector and an f32: the vector with lane `lane` replaced. */
  f32x4ReplaceLane(lane: number): this {
    this.simd(0x20);
    this.code.push(lane);
    return this;
  }
  /** Lane-wise a != b on 32-bit integers (bit patterns), as masks. */
  i32x4Ne(): this {
    return this.simd(0x38);
  }
  /** Lane-wise a < b on signed 32-bit integers, as masks. */
  i32x4LtS(): this {
    return this.simd(0x39);
  }
  /** Lane-wise signed 32-bit max (on float bits: +0 for every negative number, -0 and negative NaN). */
  i32x4MaxS(): this {
    return this.simd(0xb8);
  }
  /** The f32 whose bits are the popped i32. */
  f32ReinterpretI32(): this {
    return this.op(0xbe);
  }
  /** Pops a, b: a & ~b. */
  v128Andnot(): this {
    return this.simd(0x4f);
  }
  /** The top bit of each i32 lane as an i32 (bit j = lane j): which lanes of a mask are set. */
  i32x4Bitmask(): this {
    return this.simd(0xa4);
  }
  /** The low 8 bytes zero-extended to 8 i16 lanes. */
  i16x8ExtendLowI8x16U(): this {
    return this.simd(0x89);
  }
  /** The low 4 i16 lanes zero-extended to 4 i32 lanes. */
  i32x4ExtendLowI16x8U(): this {
    return this.simd(0xa9);
  }
  /** Pops a vector and an i32 count: each i32 lane shifted left by the count (mod 32). */
  i32x4Shl(): this {
    return this.simd(0xab);
  }
  i32x4Add(): this {
    return this.simd(0xae);
  }
  i32x4Sub(): this {
    return this.simd(0xb1);
  }
  /** Pops a, b: lane-wise b < a ? b : a (a NaN a is kept: NaNs pass through a clamp on a). */
  f32x4Pmin(): this {
    return this.simd(0xea);
  }
  /** Pops a, b: lane-wise a < b ? b : a (a NaN a is kept, a NaN b ignored). */
  f32x4Pmax(): this {
    return this.simd(0xeb);
  }
  /** f32 lanes 0 and 1 widened to the two f64 lanes. */
  f64x2PromoteLowF32x4(): this {
    return this.simd(0x5f);
  }
  /** The two f64 lanes rounded to f32 lanes 0 and 1; lanes 2 and 3 zero. */
  f32x4DemoteF64x2Zero(): this {
    return this.simd(0x5e);
  }
  f64x2Add(): this {
    return this.simd(0xf0);
  }
  f64x2Div(): this {
    return this.simd(0xf3);
  }

  /** a * b + c, fused where the engine's relaxed SIMD does (relaxed-simd proposal). */
  f32x4RelaxedMadd(): this {
    return this.simd(0x105);
  }
  f32x4ExtractLane(lane: number): this {
    this.simd(0x1f);
    this.code.push(lane);
    return this;
  }
  /** Pushes 1 (i32) where a > b (false when either is NaN). */
  f32Gt(): this {
    return this.op(0x5e);
  }
  /** Lane-wise a > b as all-ones / all-zeros masks (false where either is NaN). */
  f32x4Gt(): this {
    return this.simd(0x44);
  }
  /** Lane-wise a != b as masks (true where either is NaN, so x != x finds NaNs). */
  f32x4Ne(): this {
    return this.simd(0x42);
  }
  v128And(): this {
    return this.simd(0x4e);
  }
  /** Pops a, b, mask: the bits of a where mask is set, else those of b. */
  v128Bitselect(): this {
    return this.simd(0x52);
  }

  // Bulk memory (WebAssembly 2.0): engines run these as memmove / memset.
  /** Pops destination, source, byte count (i32 each): copies, overlapping ranges allowed. */
  memoryCopy(): this {
    return this.op(0xfc, 0x0a, 0x00, 0x00);
  }
  /** Pops destination, byte value, byte count (i32 each): sets the bytes to the value. */
  memoryFill(): this {
    return this.op(0xfc, 0x0b, 0x00);
  }

  /** local += value (i32). */
  addTo(l: Local, value: Local | number): this {
    this.get(l);
    if (typeof value === 'number') this.i32(value);
    else this.get(value);
    return this.i32Add().set(l);
  }

  /** for (counter = 0; counter < limit; counter += step) body(), as block + loop. */
  forLoop(counter: Local, limit: Local, body: () => void, step = 1): this {
    this.i32(0).set(counter);
    this.block().loop();
    this.get(counter).get(limit).i32GeS().brIf(1);
    body();
    return this.addTo(counter, step).br(0).end().end();
  }

  /** The local declarations and code of the function body section entry. */
  body(): number[] {
    const groups: [number, ValType][] = [];
    for (const type of this.extraLocals) {
      const last = groups[groups.length - 1];
      if (last && last[1] === type) last[0]++;
      else groups.push([1, type]);
    }
    const out: number[] = [];
    uleb(groups.length, out);
    for (const [count, type] of groups) {
      uleb(count, out);
      out.push(type);
    }
    out.push(...this.code, 0x0b);
    return out;
  }

  signature(): number[] {
    const out = [0x60];
    uleb(this.params.length, out);
    out.push(...this.params.map((p) => p.type));
    uleb(this.resultTypes.length, out);
    out.push(...this.resultTypes);
    return out;
  }
}

/**
 * A module that imports one memory as env.memory (shared when the host's is) and exports the
 * given functions.
 */
export function assembleModule(functions: readonly FunctionWriter[], sharedMemory: boolean): Uint8Array<ArrayBuffer> {
  const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const section = (id: number, content: number[]) => {
    out.push(id);
    uleb(content.length, out);
    out.push(...content);
  };
  const types: number[] = [];
  uleb(functions.length, types);
  for (const f of functions) types.push(...f.signature());
  section(1, types);

  const imports: number[] = [];
  uleb(1, imports);
  name('env', imports);
  name('memory', imports);
  imports.push(0x02);
  if (sharedMemory) {
    imports.push(0x03);
    uleb(0, imports);
    uleb(65536, imports);
  } else {
    imports.push(0x00);
    uleb(0, imports);
  }
  section(2, imports);

  const funcs: number[] = [];
  uleb(functions.length, funcs);
  functions.forEach((_, i) => uleb(i, funcs));
  section(3, funcs);

  const exports: number[] = [];
  uleb(functions.length, exports);
  functions.forEach((f, i) => {
    name(f.exportName, exports);
    exports.push(0x00);
    uleb(i, exports);
  });
  section(7, exports);

  const code: number[] = [];
  uleb(functions.length, code);
  for (const f of functions) {
    const body = f.body();
    uleb(body.length, code);
    code.push(...body);
  }
  section(10, code);
  return new Uint8Array(out);
}
