/**
 * The classes of the synthetic image set: each is a shape or texture kind, drawn as a signed
 * distance in pixels (negative inside) in the shape's own rotated frame (u, v), for a shape of
 * radius `r`. Kind, not position, scale or colour, is the class: a probe has to see the shape.
 */
export interface ShapeParams {
  r: number;
  /** Stripe / checker period in pixels, and its phase (radians). */
  period: number;
  phase: number;
}

export type ShapeDistance = (u: number, v: number, p: ShapeParams) => number;

/** Unit edge normals of a regular polygon, computed once per kind (this runs per pixel). */
function normals(sides: number, offset: number): Float64Array {
  const out = new Float64Array(2 * sides);
  for (let i = 0; i < sides; i++) {
    const a = offset + (2 * Math.PI * i) / sides;
    out[2 * i] = Math.cos(a);
    out[2 * i + 1] = Math.sin(a);
  }
  return out;
}

/** Distance to a regular polygon with the given edge normals and apothem (exact inside). */
function polygon(u: number, v: number, edges: Float64Array, apothem: number): number {
  let d = -Infinity;
  for (let i = 0; i < edges.length; i += 2) d = Math.max(d, u * edges[i]! + v * edges[i + 1]!);
  return d - apothem;
}

const SQUARE = normals(4, 0);
const TRIANGLE = normals(3, Math.PI / 2);

const box = (u: number, v: number, hu: number, hv: number) => Math.max(Math.abs(u) - hu, Math.abs(v) - hv);

/** Soft 0/1 stripes from a wave, intersected with a square patch. */
function texture(wave: number, u: number, v: number, p: ShapeParams): number {
  const patch = box(u, v, 0.85 * p.r, 0.85 * p.r);
  // Outside the stripes counts as outside the shape; 0.7 px of soft edge keeps them anti-aliased.
  const stripe = -wave * (p.period / (2 * Math.PI)) * 0.7;
  return Math.max(patch, stripe);
}

export const SHAPE_KINDS: readonly { name: string; distance: ShapeDistance; rotates: boolean }[] = [
  { name: 'disc', rotates: false, distance: (u, v, p) => Math.hypot(u, v) - p.r },
  { name: 'ring', rotates: false, distance: (u, v, p) => Math.abs(Math.hypot(u, v) - 0.7 * p.r) - 0.2 * p.r },
  { name: 'square', rotates: true, distance: (u, v, p) => polygon(u, v, SQUARE, 0.75 * p.r) },
  { name: 'triangle', rotates: true, distance: (u, v, p) => polygon(u, v, TRIANGLE, 0.55 * p.r) },
  {
    name: 'cross',
    rotates: true,
    distance: (u, v, p) => Math.min(box(u, v, p.r, 0.28 * p.r), box(u, v, 0.28 * p.r, p.r)),
  },
  {
    name: 'frame',
    rotates: true,
    distance: (u, v, p) => Math.abs(box(u, v, 0.75 * p.r, 0.75 * p.r)) - 0.17 * p.r,
  },
  {
    name: 'horizontal-stripes',
    rotates: false,
    distance: (u, v, p) => texture(Math.sin((2 * Math.PI * v) / p.period + p.phase), u, v, p),
  },
  {
    name: 'vertical-stripes',
    rotates: false,
    distance: (u, v, p) => texture(Math.sin((2 * Math.PI * u) / p.period + p.phase), u, v, p),
  },
  {
    name: 'checkerboard',
    rotates: false,
    distance: (u, v, p) =>
      texture(Math.sin((2 * Math.PI * u) / p.period + p.phase) * Math.sin((2 * Math.PI * v) / p.period + p.phase), u, v, p),
  },
  {
    name: 'diagonal-stripes',
    rotates: false,
    distance: (u, v, p) => texture(Math.sin((2 * Math.PI * (u + v)) / (Math.SQRT2 * p.period) + p.phase), u, v, p),
  },
];
