const RAMP = ' .:-=+*#%@';

/**
 * A grayscale image in [0, 1] as text, two rows per line (terminal cells are about twice as
 * tall as wide), one ramp character per pixel.
 */
export function asciiImage(image: readonly (readonly number[])[]): string[] {
  const lines: string[] = [];
  for (let y = 0; y + 1 < image.length; y += 2) {
    const top = image[y]!;
    const bottom = image[y + 1]!;
    lines.push(
      top
        .map((v, x) => {
          const level = Math.min(1, Math.max(0, (v + bottom[x]!) / 2));
          return RAMP[Math.min(RAMP.length - 1, Math.floor(level * RAMP.length))]!;
        })
        .join(''),
    );
  }
  return lines;
}

/** Several images side by side, each with a caption above it. */
export function sideBySide(images: readonly { caption: string; image: readonly (readonly number[])[] }[], gap = 3): string {
  const blocks = images.map(({ caption, image }) => {
    const lines = asciiImage(image);
    const width = Math.max(caption.length, ...lines.map((l) => l.length));
    return [caption, ...lines].map((l) => l.padEnd(width));
  });
  const height = Math.max(...blocks.map((b) => b.length));
  const spacer = ' '.repeat(gap);
  return Array.from({ length: height }, (_, row) => blocks.map((b) => b[row] ?? ' '.repeat(b[0]!.length)).join(spacer).trimEnd()).join('\n');
}
