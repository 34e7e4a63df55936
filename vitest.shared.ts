import { fileURLToPath } from 'node:url';
import { defineProject, type UserWorkspaceConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * Tests import sibling packages by their public names; these aliases point those names at the
 * sources so a test never runs against a stale build.
 */
export const workspaceAliases: Record<string, string> = Object.fromEntries(
  [
    ['@infomax/core/node', 'packages/core/src/node/index.ts'],
    ['@infomax/core', 'packages/core/src/index.ts'],
    ['@infomax/bounds', 'packages/bounds/src/index.ts'],
    ['@infomax/critics', 'packages/critics/src/index.ts'],
    ['@infomax/encoders', 'packages/encoders/src/index.ts'],
    ['@infomax/views/node', 'packages/views/src/node/index.ts'],
    ['@infomax/views', 'packages/views/src/index.ts'],
    ['@infomax/kernels-onednn', 'packages/kernels-onednn/src/index.ts'],
    ['@infomax/objectives', 'packages/objectives/src/index.ts'],
    ['@infomax/data/node', 'packages/data/src/node/index.ts'],
    ['@infomax/data', 'packages/data/src/index.ts'],
    ['@infomax/eval', 'packages/eval/src/index.ts'],
    ['@infomax/cli', 'packages/cli/src/index.ts'],
  ].map(([name, path]) => [name as string, root + (path as string)]),
);

export function infomaxProject(name: string, overrides: UserWorkspaceConfig['test'] = {}) {
  return defineProject({
    resolve: {
      alias: Object.entries(workspaceAliases).map(([find, replacement]) => ({
        find: new RegExp(`^${find.replace(/[/]/g, '\\/')}$`),
        replacement,
      })),
    },
    test: {
      name,
      include: ['test/**/*.test.ts'],
      environment: 'node',
      testTimeout: 60_000,
      hookTimeout: 60_000,
      setupFiles: [root + 'vitest.setup.ts'],
      ...overrides,
    },
  });
}
