import { defineConfig, type Options } from 'tsup';

/**
 * One build for every package: ESM + CJS + declarations. Sibling packages stay external, and the
 * declaration build ignores the workspace `paths` so it references `@infomax/*` instead of
 * inlining their sources.
 */
export function packageBuild(entry: string[], extra: Partial<Options> = {}) {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: { compilerOptions: { paths: {} } },
    sourcemap: true,
    clean: true,
    target: 'es2022',
    splitting: false,
    external: [/^@infomax\//, /^@tensorflow\//],
    ...extra,
  });
}
