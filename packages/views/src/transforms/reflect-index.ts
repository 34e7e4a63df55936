/**
 * Maps an integer coordinate onto [0, size) by mirroring at the borders without repeating the
 * edge pixel (… c b | a b c d | c b a …), i.e. `tf.mirrorPad`'s 'reflect' mode, extended to any
 * distance by periodicity.
 */
export function reflectIndex(index: number, size: number): number {
  if (size <= 1) return 0;
  const period = 2 * (size - 1);
  const m = ((index % period) + period) % period;
  return m < size ? m : period - m;
}
