import { z } from '@infomax/core';
import type { EvalRecord } from '../commands/eval';
import type { SessionRecord } from './environment';

/**
 * The parts of eval.json and environment.json that `infomax report` puts into HTML. A run
 * folder may come from anywhere, so they are checked before use: a number field holding
 * markup would otherwise reach the page unescaped, and a missing field would crash the report.
 */
const rowSchema = z.object({
  name: z.string(),
  dim: z.number(),
  linearProbeTrainAccuracy: z.number(),
  linearProbeTestAccuracy: z.number(),
  knnTestAccuracy: z.number().nullable(),
  linearProbeWeightDecay: z.number(),
});

const evalRecordSchema = z.object({
  createdAt: z.string(),
  checkpoint: z.object({ name: z.string(), step: z.number() }),
  objective: z.string(),
  backend: z.string(),
  data: z.object({ train: z.string(), test: z.string(), trainSize: z.number(), testSize: z.number(), numClasses: z.number() }),
  baselineSeed: z.number(),
  inputTransform: z.string(),
  options: z.record(z.string(), z.unknown()),
  rows: z.array(rowSchema),
  table: z.string(),
});

// Loose: a session written by a later version keeps its extra fields when a session is appended.
const sessionSchema = z.looseObject({
  command: z.string(),
  startedAt: z.string(),
  backend: z.string(),
  backendDescription: z.string(),
  notices: z.array(z.string()),
  infomax: z.string(),
  tfjs: z.string(),
  node: z.string(),
  platform: z.string(),
  cpus: z.number(),
  cpuModel: z.string().optional(),
});

/** eval.json as the report needs it, or null (with the reason) when it is not one. */
export function checkEvalRecord(raw: unknown): { record: EvalRecord | null; problem?: string } {
  const parsed = evalRecordSchema.safeParse(raw);
  if (parsed.success) return { record: parsed.data as EvalRecord };
  const first = parsed.error.issues[0]!;
  return { record: null, problem: `${first.path.map(String).join('.') || '(root)'}: ${first.message}` };
}

/** The well-formed sessions of environment.json, and how many were not. */
export function checkSessions(raw: unknown): { sessions: SessionRecord[]; skipped: number } {
  const list = Array.isArray(raw) ? raw : [];
  const sessions = list.flatMap((entry) => {
    const parsed = sessionSchema.safeParse(entry);
    return parsed.success ? [parsed.data as SessionRecord] : [];
  });
  return { sessions, skipped: list.length - sessions.length };
}
