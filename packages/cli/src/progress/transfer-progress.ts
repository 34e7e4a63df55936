export interface TransferProgressOptions {
  stream: NodeJS.WriteStream;
  /** Live bar on a TTY (default when the stream is one), else a line per file and phase. */
  interactive?: boolean;
  width?: number;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(0)} kB`;
  return `${bytes} B`;
}

/**
 * A download bar for `infomax data fetch`: `[=====     ] 12.3 MB / 26.4 MB  file  1/4`, redrawn
 * in place on a terminal (at most 10 times a second), and plain lines when piped.
 */
export class TransferProgress {
  private readonly stream: NodeJS.WriteStream;
  private readonly interactive: boolean;
  private readonly width: number;
  private lastDraw = 0;
  private drawn = false;
  private lastLine = '';

  constructor(options: TransferProgressOptions) {
    this.stream = options.stream;
    this.interactive = options.interactive ?? Boolean(options.stream.isTTY);
    this.width = options.width ?? 28;
  }

  update(state: { file: string; fileIndex: number; fileCount: number; phase: string; bytesDone: number; bytesTotal?: number }): void {
    const position = `${state.fileIndex + 1}/${state.fileCount}`;
    if (!this.interactive) {
      // One line per file and phase; byte counts would flood a log.
      const line = `${state.phase} ${state.file} (${position})`;
      if (line !== this.lastLine) this.stream.write(`${line}\n`);
      this.lastLine = line;
      return;
    }
    const now = Date.now();
    if (state.phase === 'download' && now - this.lastDraw < 100 && state.bytesDone !== state.bytesTotal) return;
    this.lastDraw = now;
    const fraction = state.bytesTotal ? Math.min(1, state.bytesDone / state.bytesTotal) : undefined;
    const filled = fraction === undefined ? 0 : Math.round(fraction * this.width);
    const bar = fraction === undefined ? '?'.repeat(this.width) : '='.repeat(filled) + ' '.repeat(this.width - filled);
    const bytes = state.phase === 'download' ? `${formatBytes(state.bytesDone)}${state.bytesTotal ? ` / ${formatBytes(state.bytesTotal)}` : ''}` : state.phase;
    this.stream.write(`\r[${bar}] ${bytes.padEnd(20)} ${state.file} ${position}\u001b[K`);
    this.drawn = true;
  }

  /** Ends the bar's line so later output starts on a fresh one. */
  stop(): void {
    if (this.interactive && this.drawn) this.stream.write('\n');
    this.drawn = false;
  }
}
