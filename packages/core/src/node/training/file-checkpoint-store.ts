import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import {
  BYTES_PER_ELEMENT,
  checkpointName,
  CheckpointError,
  sizeOfShape,
  type CheckpointInfo,
  type CheckpointStore,
  type HostTensor,
  type TrainingCheckpoint,
} from '../../training';
import { writeFileAtomically, writeFully } from './atomic-write';
import { nodeFileSystem, type CheckpointFileSystem } from './checkpoint-file-system';
import { describeSaveFailure } from './checkpoint-save-failure';
import { pauseObserverFromEnvironment, type CheckpointWriteObserver } from './checkpoint-write-points';
import {
  CHECKPOINT_FORMAT,
  CHECKPOINT_FORMAT_VERSION,
  checkpointManifestSchema,
  manifestChecksum,
  serializeManifest,
  type CheckpointManifest,
  type TensorEntry,
} from './checkpoint-manifest';

export interface FileCheckpointStoreOptions {
  /** How many of the newest checkpoints to keep (older ones are deleted after each save). */
  keepLast?: number;
  fileSystem?: CheckpointFileSystem;
  logger?: { warn(message: string): void };
  /**
   * Called at each stage of a save (fault-injection tests). Default: the pause that
   * `INFOMAX_TEST_CHECKPOINT_PAUSE` asks for, if set.
   */
  onWritePoint?: CheckpointWriteObserver;
}

const MANIFEST_PATTERN = /^(step-\d+)\.json$/;
/** A manifest is small (names, shapes, config); anything far larger is not one of ours. */
const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;
const CRASH_ADVICE = 'it may have been written during a crash — delete it or resume from an earlier one';

/**
 * Checkpoints as files in one directory: `step-000120.json` (manifest: step, RNG, optimizer
 * scalars, config, tensor index, SHA-256 of the binary and of itself) and
 * `step-000120.<sha>.bin` (all tensors back to back). The binary is written first under a name
 * of its own, then the manifest replaces any previous one by an atomic rename: the manifest is
 * the commit point, so a crash leaves either the old checkpoint or the new one. One writer per
 * directory.
 */
export class FileCheckpointStore implements CheckpointStore {
  readonly keepLast: number;
  private readonly fs: CheckpointFileSystem;
  private readonly logger: { warn(message: string): void };
  private readonly onWritePoint: CheckpointWriteObserver;

  constructor(
    readonly directory: string,
    {
      keepLast = 3,
      fileSystem = nodeFileSystem,
      logger = console,
      onWritePoint = pauseObserverFromEnvironment() ?? (() => undefined),
    }: FileCheckpointStoreOptions = {},
  ) {
    if (!Number.isInteger(keepLast) || keepLast < 1) throw new Error(`keepLast must be a positive integer, got ${keepLast}`);
    if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
      throw new Error('FileCheckpointStore: checkpoints are little-endian and this machine is big-endian');
    }
    this.keepLast = keepLast;
    this.fs = fileSystem;
    this.logger = logger;
    this.onWritePoint = onWritePoint;
  }

  /**
   * Writes the data file, then commits the manifest, then prunes. A failure at any stage
   * (disk full, no permission ...) leaves the checkpoints already stored untouched and throws
   * a CheckpointError naming the cause and the newest checkpoint that is still complete.
   */
  async save(checkpoint: TrainingCheckpoint): Promise<CheckpointInfo> {
    const name = checkpointName(checkpoint.step);
    try {
      await this.write(name, checkpoint);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException | undefined)?.code;
      if (typeof code !== 'string') throw error;
      const previous = await this.list().then(
        (infos) => infos.at(-1)?.name ?? null,
        () => undefined,
      );
      throw new CheckpointError(describeSaveFailure({ name, directory: this.directory, error: error as NodeJS.ErrnoException, previous }), name);
    }
    return { name, step: checkpoint.step };
  }

  private async write(name: string, checkpoint: TrainingCheckpoint): Promise<void> {
    await this.fs.mkdir(this.directory, { recursive: true });

    const tensors: Record<string, TensorEntry> = {};
    let offset = 0;
    for (const [tensorName, host] of checkpoint.tensors) {
      const length = host.values.byteLength;
      tensors[tensorName] = { dtype: host.dtype, shape: [...host.shape], offset, length };
      offset += length;
    }
    const hash = createHash('sha256');
    for (const host of checkpoint.tensors.values()) hash.update(bytesOf(host));
    const sha256 = hash.digest('hex');
    const binaryFile = `${name}.${sha256.slice(0, 16)}.bin`;

    const hosts = [...checkpoint.tensors.values()];
    const half = Math.floor(hosts.length / 2);
    await writeFileAtomically(this.fs, path.join(this.directory, binaryFile), async (handle) => {
      for (const [i, host] of hosts.entries()) {
        if (i === half) await this.onWritePoint('data-partial', name);
        await writeFully(handle, bytesOf(host));
      }
      if (hosts.length === 0) await this.onWritePoint('data-partial', name);
    });
    await this.onWritePoint('data-committed', name);
    const body: Omit<CheckpointManifest, 'manifestSha256'> = {
      format: CHECKPOINT_FORMAT,
      formatVersion: CHECKPOINT_FORMAT_VERSION,
      name,
      createdAt: new Date().toISOString(),
      byteOrder: 'little-endian',
      step: checkpoint.step,
      epoch: checkpoint.epoch,
      position: checkpoint.position,
      ...(checkpoint.elapsedSeconds !== undefined ? { elapsedSeconds: checkpoint.elapsedSeconds } : {}),
      rng: { s: [...checkpoint.rng.s], spare: checkpoint.rng.spare },
      optimizers: checkpoint.optimizers,
      config: checkpoint.config,
      binary: { file: binaryFile, bytes: offset, sha256 },
      tensors,
    };
    const manifestBytes = new TextEncoder().encode(serializeManifest(body));
    await writeFileAtomically(
      this.fs,
      this.manifestPath(name),
      (handle) => writeFully(handle, manifestBytes),
      () => this.onWritePoint('manifest-written', name),
    );
    await this.onWritePoint('manifest-committed', name);
    await this.prune(name);
  }

  async list(): Promise<CheckpointInfo[]> {
    let entries: string[];
    try {
      entries = await this.fs.readdir(this.directory);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return entries
      .map((file) => MANIFEST_PATTERN.exec(file)?.[1])
      .filter((name): name is string => name !== undefined)
      .map((name) => ({ name, step: Number(name.slice('step-'.length)) }))
      .sort((a, b) => a.step - b.step);
  }

  async load(name: string): Promise<TrainingCheckpoint> {
    const manifest = await this.readManifest(name);
    const binaryPath = path.join(this.directory, manifest.binary.file);
    const expected = manifest.binary.bytes;
    let found: number;
    try {
      const stats = await this.fs.stat(binaryPath);
      // A FIFO or device would block or never end; only a regular file can be our data.
      if (!stats.isFile()) {
        throw new CheckpointError(`checkpoint ${name} is corrupt: its data file ${manifest.binary.file} is not a regular file`, name);
      }
      found = stats.size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new CheckpointError(`checkpoint ${name} is incomplete: its data file ${manifest.binary.file} is missing; ${CRASH_ADVICE}`, name);
      }
      throw error;
    }
    if (found < expected) {
      throw new CheckpointError(`checkpoint ${name} is truncated: expected ${expected} bytes, found ${found}; ${CRASH_ADVICE}`, name);
    }
    if (found > expected) {
      throw new CheckpointError(
        `checkpoint ${name} is corrupt: its data file has ${found} bytes but the manifest says ${expected}; ${CRASH_ADVICE}`,
        name,
      );
    }
    const ordered = this.validateIndex(name, manifest);

    // Sizes are checked, so allocating is safe; read each tensor into its own buffer in file
    // order, hashing as we go (the index covers the file exactly, so this hashes the file).
    const hash = createHash('sha256');
    const tensors = new Map<string, HostTensor>();
    const handle = await this.fs.open(binaryPath, 'r');
    try {
      for (const [tensorName, entry] of ordered) {
        const host = allocate(entry);
        const bytes = bytesOf(host);
        await readFully(handle, bytes, entry.offset, name, expected);
        hash.update(bytes);
        tensors.set(tensorName, host);
      }
    } finally {
      await handle.close();
    }
    const actual = hash.digest('hex');
    if (actual !== manifest.binary.sha256) {
      throw new CheckpointError(
        `checkpoint ${name} is corrupt: the SHA-256 of ${manifest.binary.file} is ${actual}, the manifest expects ` +
          `${manifest.binary.sha256}; ${CRASH_ADVICE}`,
        name,
      );
    }
    // Back in the writer's order (variables first), which callers may rely on when listing.
    const inWriterOrder = new Map<string, HostTensor>();
    for (const tensorName of Object.keys(manifest.tensors)) inWriterOrder.set(tensorName, tensors.get(tensorName)!);
    const checkpoint: TrainingCheckpoint = {
      step: manifest.step,
      epoch: manifest.epoch,
      position: manifest.position,
      rng: { s: [...manifest.rng.s], spare: manifest.rng.spare },
      optimizers: manifest.optimizers,
      config: manifest.config,
      tensors: inWriterOrder,
    };
    if (manifest.elapsedSeconds !== undefined) checkpoint.elapsedSeconds = manifest.elapsedSeconds;
    return checkpoint;
  }

  async loadLatest(): Promise<TrainingCheckpoint | null> {
    const infos = await this.list();
    const failures: string[] = [];
    for (let i = infos.length - 1; i >= 0; i--) {
      const info = infos[i]!;
      try {
        return await this.load(info.name);
      } catch (error) {
        if (!(error instanceof CheckpointError)) throw error;
        failures.push(error.message);
        if (i > 0) this.logger.warn(`${error.message}. Skipping it and trying ${infos[i - 1]!.name}.`);
      }
    }
    if (failures.length > 0) {
      throw new CheckpointError(
        `no readable checkpoint in ${this.directory}; all ${failures.length} are damaged:\n  - ${failures.join('\n  - ')}`,
      );
    }
    return null;
  }

  private manifestPath(name: string): string {
    return path.join(this.directory, `${name}.json`);
  }

  private async readManifest(name: string): Promise<CheckpointManifest> {
    const manifestPath = this.manifestPath(name);
    let size: number;
    try {
      size = (await this.fs.stat(manifestPath)).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        const known = (await this.list()).map((i) => i.name);
        throw new CheckpointError(
          `checkpoint ${name} not found in ${this.directory}; stored: ${known.length > 0 ? known.join(', ') : '(none)'}`,
          name,
        );
      }
      throw error;
    }
    if (size > MAX_MANIFEST_BYTES) {
      throw new CheckpointError(`checkpoint ${name} is corrupt: its manifest has ${size} bytes, more than a manifest can; ${CRASH_ADVICE}`, name);
    }
    const text = await this.fs.readFile(manifestPath, 'utf8');
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new CheckpointError(
        `checkpoint ${name} is corrupt: its manifest is not valid JSON (${(error as Error).message}); ${CRASH_ADVICE}`,
        name,
      );
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw new CheckpointError(`checkpoint ${name} is corrupt: its manifest is not a JSON object; ${CRASH_ADVICE}`, name);
    }
    const record = raw as Record<string, unknown>;
    if (record.format !== CHECKPOINT_FORMAT) {
      throw new CheckpointError(`${manifestPath} is not an infomax checkpoint manifest (format: ${shortJson(record.format)})`, name);
    }
    if (record.formatVersion !== CHECKPOINT_FORMAT_VERSION) {
      const newer = typeof record.formatVersion === 'number' && record.formatVersion > CHECKPOINT_FORMAT_VERSION;
      throw new CheckpointError(
        `checkpoint ${name} has format version ${shortJson(record.formatVersion)}; this infomax reads version ` +
          `${CHECKPOINT_FORMAT_VERSION}${newer ? ' (it was written by a newer infomax: upgrade to read it)' : ''}`,
        name,
      );
    }
    let checksum: string;
    try {
      checksum = manifestChecksum(record);
    } catch (error) {
      // JSON.parse accepts nesting deeper than JSON.stringify can walk back.
      if (!(error instanceof RangeError)) throw error;
      throw new CheckpointError(`checkpoint ${name} is corrupt: its manifest is nested too deeply to be one of ours; ${CRASH_ADVICE}`, name);
    }
    if (record.manifestSha256 !== checksum) {
      throw new CheckpointError(
        `checkpoint ${name} is corrupt: its manifest does not match its own SHA-256 (edited or damaged); ${CRASH_ADVICE}`,
        name,
      );
    }
    const parsed = checkpointManifestSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new CheckpointError(
        `checkpoint ${name} has an invalid manifest: ${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`,
        name,
      );
    }
    return parsed.data;
  }

  /** Every entry's size against its dtype and shape, and the entries tile the file exactly. */
  private validateIndex(name: string, manifest: CheckpointManifest): [string, TensorEntry][] {
    const entries = Object.entries(manifest.tensors).sort((a, b) => a[1].offset - b[1].offset);
    let cursor = 0;
    for (const [tensorName, entry] of entries) {
      const needed = sizeOfShape(entry.shape) * BYTES_PER_ELEMENT[entry.dtype];
      if (!Number.isSafeInteger(needed)) {
        throw new CheckpointError(
          `checkpoint ${name} is corrupt: tensor '${tensorName}' has shape [${entry.shape.join(', ')}], more elements ` +
            `than any tensor can hold; ${CRASH_ADVICE}`,
          name,
        );
      }
      if (entry.length !== needed) {
        throw new CheckpointError(
          `checkpoint ${name} is corrupt: tensor '${tensorName}' (${entry.dtype} [${entry.shape.join(', ')}]) needs ` +
            `${needed} bytes but the index says ${entry.length}; ${CRASH_ADVICE}`,
          name,
        );
      }
      if (entry.offset !== cursor || entry.offset + entry.length > manifest.binary.bytes) {
        throw new CheckpointError(
          `checkpoint ${name} is corrupt: tensor '${tensorName}' at bytes ${entry.offset}..${entry.offset + entry.length} ` +
            `does not follow the previous tensor (ending at ${cursor}) inside the ${manifest.binary.bytes}-byte data file; ${CRASH_ADVICE}`,
          name,
        );
      }
      cursor += entry.length;
    }
    if (cursor !== manifest.binary.bytes) {
      throw new CheckpointError(
        `checkpoint ${name} is corrupt: its tensors cover ${cursor} bytes of a ${manifest.binary.bytes}-byte data file; ${CRASH_ADVICE}`,
        name,
      );
    }
    return entries;
  }

  /**
   * Removes what a crash left behind (checkpoints beyond keepLast, data and temporary files no
   * manifest refers to), as every save does. For a resumed run that has nothing left to train,
   * which therefore never saves.
   */
  async removeLeftovers(): Promise<void> {
    await this.prune();
  }

  /** Deletes checkpoints beyond keepLast, then data and temporary files no manifest refers to. */
  private async prune(saved?: string): Promise<void> {
    const infos = await this.list();
    const doomed = infos.slice(0, Math.max(0, infos.length - this.keepLast));
    for (const info of doomed) await this.removeIfPresent(this.manifestPath(info.name));
    if (saved !== undefined) await this.onWritePoint('pruning', saved);
    const referenced = new Set<string>();
    for (const info of infos.slice(doomed.length)) {
      try {
        referenced.add((await this.readManifest(info.name)).binary.file);
      } catch {
        // A damaged manifest refers to nothing we can trust; loadLatest reports it.
      }
    }
    for (const file of await this.fs.readdir(this.directory)) {
      const ours = /^step-\d+\.[0-9a-f]+\.bin$/.test(file) || /^\.step-\d+\..*\.tmp$/.test(file);
      if (ours && !referenced.has(file)) await this.removeIfPresent(path.join(this.directory, file));
    }
  }

  private async removeIfPresent(file: string): Promise<void> {
    await this.fs.unlink(file).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }
}

/** A field of an untrusted manifest, quoted for a message: JSON, and never very long. */
function shortJson(value: unknown): string {
  const text = JSON.stringify(value) ?? 'missing';
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function bytesOf(host: HostTensor): Uint8Array {
  return new Uint8Array(host.values.buffer, host.values.byteOffset, host.values.byteLength);
}

function allocate(entry: TensorEntry): HostTensor {
  const n = sizeOfShape(entry.shape);
  const values = entry.dtype === 'float32' ? new Float32Array(n) : entry.dtype === 'int32' ? new Int32Array(n) : new Uint8Array(n);
  return { dtype: entry.dtype, shape: [...entry.shape], values };
}

async function readFully(handle: FileHandle, into: Uint8Array, position: number, name: string, expected: number): Promise<void> {
  let done = 0;
  while (done < into.byteLength) {
    const { bytesRead } = await handle.read(into, done, into.byteLength - done, position + done);
    if (bytesRead === 0) {
      // The file shrank after it was measured.
      throw new CheckpointError(
        `checkpoint ${name} is truncated: expected ${expected} bytes, found ${position + done}; ${CRASH_ADVICE}`,
        name,
      );
    }
    done += bytesRead;
  }
}
