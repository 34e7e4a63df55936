import type * as SharpTypes from 'sharp';
import { MissingOptionalDependencyError } from './errors';

export type SharpFactory = typeof SharpTypes.default;

/**
 * sharp (libvips) is an optional peer dependency: only image folders need it, and its native
 * binaries are the one heavy install in this package. It is imported on first use.
 */
export async function loadSharp(
  importer: () => Promise<unknown> = () => import('sharp'),
): Promise<SharpFactory> {
  let module: unknown;
  try {
    module = await importer();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' ? 'it is not installed' : (error as Error).message;
    throw new MissingOptionalDependencyError(
      `install sharp to read image folders (npm install sharp, or pnpm add sharp): ${reason}`,
    );
  }
  const factory = (module as { default?: unknown }).default ?? module;
  if (typeof factory !== 'function') {
    throw new MissingOptionalDependencyError('install sharp to read image folders: the sharp module found has no default export');
  }
  return factory as SharpFactory;
}
