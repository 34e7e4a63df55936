import { createHash } from 'node:crypto';
import { z } from 'zod';

export const CHECKPOINT_FORMAT = 'infomax-checkpoint';
export const CHECKPOINT_FORMAT_VERSION = 1;

/** What `FileCheckpointStore` names data files; nothing else is read as one. */
export const DATA_FILE_PATTERN = /^step-\d+\.[0-9a-f]{16}\.bin$/;

const uint32 = z.number().int().min(0).max(0xffffffff);

const tensorEntrySchema = z.object({
  dtype: z.enum(['float32', 'int32', 'bool']),
  shape: z.array(z.number().int().nonnegative()),
  /** Byte offset in the binary file. */
  offset: z.number().int().nonnegative(),
  /** Byte length. */
  length: z.number().int().nonnegative(),
});

/** Everything but the tensors' bytes; the binary file holds those, back to back. */
export const checkpointManifestSchema = z.object({
  format: z.literal(CHECKPOINT_FORMAT),
  formatVersion: z.number().int(),
  name: z.string(),
  createdAt: z.string(),
  byteOrder: z.literal('little-endian'),
  step: z.number().int().nonnegative(),
  epoch: z.number().int().nonnegative(),
  position: z.number().int().nonnegative(),
  elapsedSeconds: z.number().nonnegative().optional(),
  rng: z.object({
    s: z.tuple([uint32, uint32, uint32, uint32]),
    spare: z.number().nullable(),
  }),
  optimizers: z.record(z.string(), z.object({ step: z.number().int().nonnegative() })),
  config: z.record(z.string(), z.unknown()),
  binary: z.object({
    /** A bare file name in the checkpoint directory: a manifest must not point anywhere else. */
    file: z.string().regex(DATA_FILE_PATTERN, 'must be a data file name of the form step-NNNNNN.<16 hex digits>.bin'),
    bytes: z.number().int().nonnegative(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  }),
  tensors: z.record(z.string(), tensorEntrySchema),
  /** SHA-256 of the compact JSON of every other field, in this order. */
  manifestSha256: z.string().regex(/^[0-9a-f]{64}$/),
});

export type CheckpointManifest = z.infer<typeof checkpointManifestSchema>;
export type CheckpointManifestBody = Omit<CheckpointManifest, 'manifestSha256'>;
export type TensorEntry = z.infer<typeof tensorEntrySchema>;

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Pretty JSON with the body's checksum appended. */
export function serializeManifest(body: CheckpointManifestBody): string {
  const manifest: CheckpointManifest = { ...body, manifestSha256: sha256Hex(JSON.stringify(body)) };
  return JSON.stringify(manifest, null, 2) + '\n';
}

/**
 * The checksum a parsed manifest should carry. JSON.parse keeps key order and JS numbers
 * round-trip exactly, so re-serialising the parsed body reproduces the writer's bytes.
 */
export function manifestChecksum(parsed: Record<string, unknown>): string {
  const { manifestSha256: _ignored, ...body } = parsed;
  return sha256Hex(JSON.stringify(body));
}
