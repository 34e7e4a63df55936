import { describe, expect, it } from 'vitest';
import { TransferProgress } from '../src/progress/transfer-progress';

function stream(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY, write: (c: string) => chunks.push(c) > 0 } as unknown as NodeJS.WriteStream };
}

const at = (bytesDone: number, phase = 'download') => ({ file: 'a.gz', fileIndex: 0, fileCount: 2, phase, bytesDone, bytesTotal: 4 * 1024 * 1024 });

describe('TransferProgress', () => {
  it('redraws one bar in place on a terminal and ends its line', () => {
    const { chunks, stream: s } = stream(true);
    const bar = new TransferProgress({ stream: s, width: 10 });
    bar.update(at(2 * 1024 * 1024));
    bar.stop();
    expect(chunks).toEqual(['\r[=====     ] 2.0 MB / 4.0 MB      a.gz 1/2\u001b[K', '\n']);
  });

  it('prints one line per file and phase when piped, not per chunk', () => {
    const { chunks, stream: s } = stream(false);
    const bar = new TransferProgress({ stream: s });
    for (const bytes of [1, 2, 3]) bar.update(at(bytes));
    bar.update(at(0, 'verify'));
    bar.stop();
    expect(chunks).toEqual(['download a.gz (1/2)\n', 'verify a.gz (1/2)\n']);
  });
});
