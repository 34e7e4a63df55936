import { z } from '@infomax/core';

/** [H, W, C] of one image, or [T, C] of one sequence. */
export const exampleShapeSchema = z.array(z.number().int().positive()).min(2).max(3);

export function channelsOf(shape: readonly number[] | undefined, feature: string, encoderName: string): number {
  const channels = shape?.[shape.length - 1];
  if (channels === undefined) {
    throw new Error(`the encoder '${encoderName}' does not yield a '${feature}' feature for this input`);
  }
  return channels;
}
