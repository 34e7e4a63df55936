import type { Rng } from '../random/rng';
import type { PluginKind } from '../tokens';
import type { PluginSelection } from './plugin-selection';

/**
 * What a factory may use: a deterministic RNG stream of its own and the ability to build other
 * plugins (a composite, such as an objective, asks for its parts by kind and selection).
 */
export interface PluginContext {
  readonly rng: Rng;
  create<T>(kind: PluginKind, selection: PluginSelection): T;
}
