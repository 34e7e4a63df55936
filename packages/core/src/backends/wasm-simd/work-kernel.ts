import { GEMM_DEPTH_BLOCK, GEMM_ROW_BLOCK } from './blocked-gemm';
import { FunctionWriter, I32, type Local } from './wasm-assembler';
import { MAP_OPS, MAP_OP_NAMES, type MapOp } from './map-ops';
import { CONTROL, GEMM_PARAM, JOB_KIND, MAP_PARAM, PATCH_PARAM } from './work-control';

/** Where gemm, gemmTail, im2col, col2im and col2imStore sit in the module that also holds `work`. */
export interface WorkCallees {
  gemm: number;
  gemmTail: number;
  im2col: number;
  col2im: number;
  col2imStore: number;
  /** Where each map op's function sits. */
  map: Record<MapOp, number>;
}

/**
 * work(ctl, pack, limit) -> chunks run: claims chunks of the job described at `ctl` (see
 * CONTROL) one at a time and runs them until none is left or it has run `limit`; every thread
 * taking part calls it, the poster included. A chunk
 * is claimed with a compare-and-swap that never moves NEXT past END, and counted in DONE when
 * finished. `pack` is this thread's own gemm scratch (PACK_BYTES).
 *
 * Claiming small chunks one by one, rather than splitting the job in equal parts up front, is
 * what keeps a second thread from costing time when another process holds its core: the poster
 * then simply runs most of the chunks itself.
 */
export function writeWork(callees: WorkCallees): FunctionWriter {
  const f = new FunctionWriter('work', [I32, I32, I32], [I32]);
  const [ctl, pack, limit] = f.params as [Local, Local, Local];
  const chunk = f.local(I32);
  const ran = f.local(I32);
  const rest = f.local(I32);
  const m0 = f.local(I32);
  const n0 = f.local(I32);
  const k0 = f.local(I32);
  const mc = f.local(I32);
  const nc = f.local(I32);
  const kc = f.local(I32);
  const cBase = f.local(I32);
  const add0 = f.local(I32);
  const kb = f.local(I32);
  const mb = f.local(I32);
  const mcb = f.local(I32);
  const sam = f.local(I32);
  const sak = f.local(I32);
  const sbk = f.local(I32);
  const scm = f.local(I32);
  const b0 = f.local(I32);
  const tail = f.local(I32);
  const rowOffset = f.local(I32);

  const param = (index: number) => f.get(ctl).i32Load(CONTROL.PARAMS + 4 * index);
  const gp = (name: keyof typeof GEMM_PARAM) => param(GEMM_PARAM[name]);
  const pp = (name: keyof typeof PATCH_PARAM) => param(PATCH_PARAM[name]);
  /** Pushes min(x, y) of two pushed i32 expressions. */
  const min = (x: () => void, y: () => void) => {
    x();
    y();
    x();
    y();
    f.i32LtS().select();
  };

  const gemmChunk = () => {
    gp('sam').set(sam);
    gp('sak').set(sak);
    gp('sbk').set(sbk);
    gp('scm').set(scm);
    // chunk -> (mi, ni, ki), mi fastest.
    f.get(chunk);
    gp('chunksM').i32RemU();
    gp('chunkRows').i32Mul().set(m0);
    f.get(chunk);
    gp('chunksM').i32DivU().set(rest);
    f.get(rest);
    gp('chunksN').i32RemU();
    gp('chunkCols').i32Mul().set(n0);
    f.get(rest);
    gp('chunksN').i32DivU();
    gp('chunkDepth').i32Mul().set(k0);
    min(() => gp('chunkRows'), () => gp('m').get(m0).i32Sub());
    f.set(mc);
    min(() => gp('chunkCols'), () => gp('n').get(n0).i32Sub());
    f.set(nc);
    min(() => gp('chunkDepth'), () => gp('k').get(k0).i32Sub());
    f.set(kc);
    // Depth chunk 0 writes C; the others write their partial product.
    f.get(k0).i32Eqz().if();
    gp('c').set(cBase);
    gp('accumulate').set(add0);
    f.else();
    gp('partials').get(k0);
    gp('chunkDepth').i32DivU().i32(1).i32Sub();
    gp('partialStride').i32Mul().i32Add().set(cBase);
    f.i32(0).set(add0);
    f.end();
    f.get(cBase).get(m0).get(scm).i32Mul().i32Add().get(n0).i32(2).i32Shl().i32Add().set(cBase);
    /** Calls `callee` on rows mb + rowOffset .. + rows of the block (see blockedGemm). */
    const callGemm = (callee: number, rows: Local) => {
      gp('a').get(m0).get(mb).i32Add().get(rowOffset).i32Add().get(sam).i32Mul().i32Add().get(k0).get(kb).i32Add().get(sak).i32Mul().i32Add();
      gp('b').get(k0).get(kb).i32Add().get(sbk).i32Mul().i32Add().get(n0).i32(2).i32Shl().i32Add();
      f.get(cBase).get(mb).get(rowOffset).i32Add().get(scm).i32Mul().i32Add();
      f.get(rows).get(nc);
      min(() => f.i32(GEMM_DEPTH_BLOCK), () => f.get(kc).get(kb).i32Sub());
      f.get(sam).get(sak).get(sbk).get(scm);
      f.get(add0).get(kb).i32(0).i32GtS().i32Or();
      // Packing B pays once several row tiles reuse it.
      f.get(pack).i32(0).get(rows).i32(4).i32GtS().select();
      f.call(callee);
    };
    // The same blocking as blockedGemm, inside the chunk.
    f.forLoop(kb, kc, () => {
      f.forLoop(mb, mc, () => {
        min(() => f.i32(GEMM_ROW_BLOCK), () => f.get(mc).get(mb).i32Sub());
        f.set(mcb);
        // The last 2-3 rows go to gemmTail.
        f.get(mcb).i32(3).i32And().set(tail);
        f.get(tail).i32(2).i32LtS().if().i32(0).set(tail).end();
        f.get(mcb).get(tail).i32Sub().set(mcb);
        f.i32(0).set(rowOffset);
        f.get(mcb).if();
        callGemm(callees.gemm, mcb);
        f.end();
        f.get(tail).if();
        f.get(mcb).set(rowOffset);
        callGemm(callees.gemmTail, tail);
        f.end();
      }, GEMM_ROW_BLOCK);
    }, GEMM_DEPTH_BLOCK);
  };

  const patchChunk = (callee: number) => {
    pp('perChunk').get(chunk).i32Mul().set(b0);
    pp('x').get(b0);
    pp('h').i32Mul();
    pp('w').i32Mul();
    pp('c').i32Mul().i32(2).i32Shl().i32Add();
    pp('cols').get(b0);
    pp('oh').i32Mul();
    pp('ow').i32Mul();
    pp('kh').i32Mul();
    pp('kw').i32Mul();
    pp('c').i32Mul().i32(2).i32Shl().i32Add();
    min(() => pp('perChunk'), () => pp('n').get(b0).i32Sub());
    for (const name of ['h', 'w', 'c', 'kh', 'kw', 'oh', 'ow', 'sh', 'sw', 'padTop', 'padLeft', 'dh', 'dw'] as const) pp(name);
    f.call(callee);
  };

  const mapChunk = () => {
    const op = f.local(I32);
    param(MAP_PARAM.op).set(op);
    param(MAP_PARAM.chunkRows).get(chunk).i32Mul().set(b0);
    min(() => param(MAP_PARAM.chunkRows), () => param(MAP_PARAM.rows).get(b0).i32Sub());
    f.set(rest);
    MAP_OP_NAMES.forEach((name, index) => {
      f.get(op).i32(index).i32Eq().if();
      for (const arg of MAP_OPS[name].args) {
        if ('pointer' in arg) {
          param(MAP_PARAM.pointers + arg.pointer).get(b0);
          param(MAP_PARAM.strides + arg.pointer).i32Mul().i32Add();
        } else if ('rows' in arg) f.get(rest);
        else if ('word' in arg) param(MAP_PARAM.words + arg.word);
        else if ('floatWord' in arg) param(MAP_PARAM.words + arg.floatWord).f32ReinterpretI32();
        else f.get(pack);
      }
      f.call(callees.map[name]);
      f.end();
    });
  };

  f.block().loop();
  {
    f.get(ran).get(limit).i32GeS().brIf(1);
    f.get(ctl).i32AtomicLoad(CONTROL.NEXT).set(chunk);
    // Counters wrap around; what matters is END - chunk, compared as a signed difference.
    f.get(ctl).i32AtomicLoad(CONTROL.END).get(chunk).i32Sub().i32(0).i32LeS().brIf(1);
    // Another thread took it first: look again.
    f.get(ctl).get(chunk).get(chunk).i32(1).i32Add().i32AtomicRmwCmpxchg(CONTROL.NEXT).get(chunk).i32Ne().brIf(0);
    f.get(chunk).get(ctl).i32Load(CONTROL.START).i32Sub().set(chunk);
    f.get(ctl).i32Load(CONTROL.KIND).i32(JOB_KIND.gemm).i32Eq().if();
    gemmChunk();
    f.else();
    f.get(ctl).i32Load(CONTROL.KIND).i32(JOB_KIND.map).i32Eq().if();
    mapChunk();
    f.else();
    f.get(ctl).i32Load(CONTROL.KIND).i32(JOB_KIND.im2col).i32Eq().if();
    patchChunk(callees.im2col);
    f.else();
    f.get(ctl).i32Load(CONTROL.KIND).i32(JOB_KIND.col2im).i32Eq().if();
    patchChunk(callees.col2im);
    f.else();
    patchChunk(callees.col2imStore);
    f.end();
    f.end();
    f.end();
    f.end();
    f.get(ctl).i32(1).i32AtomicRmwAdd(CONTROL.DONE).drop();
    f.addTo(ran, 1);
    f.br(0);
  }
  f.end().end();
  f.get(ran);
  return f;
}
