/** When an operation goes to the thread pool (see `ThreadedKernels.takes`). */

/**
 * Multiply-adds below which an operation stays on the calling thread: copying the operands in
 * and out, and handing chunks over, cost ~0.05-0.1 ms (measured), a 2M multiply-add gemm
 * ~0.15 ms.
 */
export const THREAD_MIN_MACS = 1 << 21;
/**
 * Multiply-adds above which an operation wakes a sleeping helper. A wake-up is a system call
 * that, on a busy machine, can put the helper on this thread's own core for a while (measured:
 * ~2 ms per wake-up at load 5), so only operations of a millisecond or more pay for it.
 */
export const WAKE_MIN_MACS = 1 << 24;
/**
 * Multiply-adds per byte copied in and out below which an operation stays on the calling
 * thread: copies run at ~6 GB/s, a thread at ~17 GMAC/s, so half the work saved must outweigh
 * them (break-even ~1.5; e.g. a 1x1 convolution of 32 channels is 4, a [1568, 256] x [256, 256]
 * product 29: measured 0.86x and 1.6x on 2 threads).
 */
export const MIN_MACS_PER_BYTE = 8;

/**
 * Bytes read and written below which a row-wise pass (Add, Relu, batch norm's passes...) stays
 * on the calling thread: handing out chunks costs ~10-30 us, a pass over 1 MiB ~0.1-0.2 ms.
 */
export const MAP_MIN_BYTES = 1 << 20;
/** Bytes above which a row-wise pass wakes a sleeping helper (see WAKE_MIN_MACS). */
export const MAP_WAKE_BYTES = 1 << 23;

/** When operations go to the pool (see `takes`, `takesMap`); tests lower them to reach small shapes. */
export interface ThreadThresholds {
  minMacs: number;
  wakeMinMacs: number;
  macsPerByte: number;
  mapMinBytes: number;
  mapWakeBytes: number;
}

export const DEFAULT_THRESHOLDS: ThreadThresholds = {
  minMacs: THREAD_MIN_MACS,
  wakeMinMacs: WAKE_MIN_MACS,
  macsPerByte: MIN_MACS_PER_BYTE,
  mapMinBytes: MAP_MIN_BYTES,
  mapWakeBytes: MAP_WAKE_BYTES,
};
