import { existsSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import type { BackendChoice } from '@infomax/core';
import { CLI_VERSION } from '../version';
import { readJson, writeJsonAtomically } from './run-folder';
import { checkSessions } from './run-records';

/** Where and how one session (train, resume, eval) of a run ran. */
export interface SessionRecord {
  command: string;
  startedAt: string;
  backend: string;
  backendDescription: string;
  notices: string[];
  infomax: string;
  tfjs: string;
  node: string;
  platform: string;
  cpus: number;
  cpuModel?: string;
}

export interface EnvironmentFile {
  sessions: SessionRecord[];
}

export function sessionRecord(command: string, choice: BackendChoice): SessionRecord {
  const model = cpus()[0]?.model?.trim();
  return {
    command,
    startedAt: new Date().toISOString(),
    backend: choice.backend,
    backendDescription: choice.description,
    notices: [...choice.notices],
    infomax: CLI_VERSION,
    tfjs: tf.version.tfjs,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpus: availableParallelism(),
    ...(model ? { cpuModel: model } : {}),
  };
}

export async function readEnvironment(file: string): Promise<EnvironmentFile> {
  if (!existsSync(file)) return { sessions: [] };
  const raw = (await readJson(file)) as { sessions?: unknown } | null;
  // Entries that are not session records (a hand-edited or foreign file) are left out.
  return { sessions: checkSessions(raw?.sessions).sessions };
}

/** Adds a session to environment.json (a resume or an eval keeps the earlier ones). */
export async function appendSession(file: string, session: SessionRecord): Promise<void> {
  const environment = await readEnvironment(file);
  environment.sessions.push(session);
  await writeJsonAtomically(file, environment);
}
