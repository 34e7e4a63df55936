import type { Rng } from '../random/rng';
import type { PluginKind } from '../tokens';
import type { PluginSelection } from './plugin-selection';

/**
 * What a factory may use: a deterministic RNG stream of its own and the ability to build other
 * plugins (a composite, such as an objective, asks for its parts by kind and selection).
 */
export interface PluginContext {
  readonly rng: Rng;
  /**
   * Builds a part. `role` names it within its parent ("critic5", "critic7") so two parts of the
   * same plugin get independent random streams rather than identical initial weights.
   */
  create<T>(kind: PluginKind, selection: PluginSelection, role?: string): T;
}
