import type * as tf from '@tensorflow/tfjs';
import { ShapeError } from './shape-error';

/**
 * A dimension pattern: a number must match exactly, a string names a dimension that must agree
 * everywhere it appears in one `assertShapes` call, `null` accepts anything.
 */
export type DimSpec = number | string | null;

function formatShape(shape: readonly (number | null | string)[]): string {
  return `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}

/**
 * Checks one tensor against a pattern, e.g. `assertShape(scores, ['N', 'M'], 'scores')`.
 * Returns the bindings of named dimensions so callers can reuse them.
 */
export function assertShape(
  tensor: tf.Tensor,
  pattern: readonly DimSpec[],
  label: string,
  bindings: Map<string, { value: number; source: string }> = new Map(),
): Map<string, { value: number; source: string }> {
  const shape = tensor.shape;
  if (shape.length !== pattern.length) {
    throw new ShapeError(
      `${label} must have rank ${pattern.length} ${formatShape(pattern)}, got rank ${shape.length} ${formatShape(shape)}`,
    );
  }
  pattern.forEach((spec, axis) => {
    const actual = shape[axis]!;
    if (spec === null) return;
    if (typeof spec === 'number') {
      if (actual !== spec) {
        throw new ShapeError(
          `${label} must have shape ${formatShape(pattern)}, but axis ${axis} is ${actual} (expected ${spec}); got ${formatShape(shape)}`,
        );
      }
      return;
    }
    const bound = bindings.get(spec);
    if (bound === undefined) {
      bindings.set(spec, { value: actual, source: label });
    } else if (bound.value !== actual) {
      throw new ShapeError(
        `${label} axis ${axis} (${spec}) is ${actual}, but ${bound.source} has ${spec} = ${bound.value}; got ${formatShape(shape)}`,
      );
    }
  });
  return bindings;
}

/**
 * Checks several tensors at once; named dimensions must agree across all of them.
 * `assertShapes({ scores: [s, ['N', 'M']], mask: [m, ['N', 'M']] })` -> { N: 4, M: 8 }
 */
export function assertShapes(
  specs: Record<string, [tf.Tensor, readonly DimSpec[]]>,
): Record<string, number> {
  const bindings = new Map<string, { value: number; source: string }>();
  for (const [label, [tensor, pattern]] of Object.entries(specs)) {
    assertShape(tensor, pattern, label, bindings);
  }
  return Object.fromEntries([...bindings].map(([k, v]) => [k, v.value]));
}

/** Throws a ShapeError unless `tensor.shape` equals `expected` exactly. */
export function assertSameShape(a: tf.Tensor, b: tf.Tensor, labelA: string, labelB: string): void {
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new ShapeError(
      `${labelA} ${formatShape(a.shape)} and ${labelB} ${formatShape(b.shape)} must have the same shape`,
    );
  }
}
