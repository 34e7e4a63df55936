import { Container, type ContainerModule } from 'inversify';
import { Rng } from '../random/rng';
import { formatZodIssues } from '../registry/format-issues';
import type { PluginRegistries } from '../registry/plugin-registries';
import { KIND_TOKENS, PLUGIN_KINDS, Tokens } from '../tokens';
import { InjectablePluginRegistries } from './injectable-plugin-registries';
import { infomaxConfigSchema, type InfomaxConfig, type InfomaxConfigInput } from './infomax-config';

export class InvalidConfigError extends Error {
  constructor(readonly issues: { path: string; message: string }[]) {
    super(
      `Invalid infomax config:\n${issues.map((i) => `  - ${i.path || '(root)'}: ${i.message}`).join('\n')}`,
    );
    this.name = 'InvalidConfigError';
  }
}

export interface CreateContainerOptions {
  /** Plugin modules to load, e.g. `[boundsModule, criticsModule]`. */
  modules?: readonly ContainerModule[];
  /** Which plugins to bind to the kind tokens; validated here, so bad names fail at start-up. */
  config?: InfomaxConfigInput;
}

/**
 * Builds a container from plugin modules and a config. Every selection in the config is checked
 * now (unknown names, invalid options), not on first use, so a typo fails before any training.
 */
export function createContainer(options: CreateContainerOptions = {}): Container {
  const parsed = infomaxConfigSchema.safeParse(options.config ?? {});
  if (!parsed.success) throw new InvalidConfigError(formatZodIssues(parsed.error));
  const config: InfomaxConfig = parsed.data;

  const container = new Container({ defaultScope: 'Singleton' });
  container.bind(Tokens.Config).toConstantValue(config);
  container.bind(Tokens.Rng).toConstantValue(new Rng(config.seed));
  container.bind(Tokens.PluginRegistries).to(InjectablePluginRegistries).inSingletonScope();
  container.loadSync(...(options.modules ?? []));

  const registries = container.get<PluginRegistries>(Tokens.PluginRegistries);
  for (const kind of PLUGIN_KINDS) {
    const selection = config[kind];
    if (!selection) continue;
    registries.of(kind).parseOptions(selection.name, selection.options ?? {});
    container
      .bind(KIND_TOKENS[kind])
      .toDynamicValue((ctx) =>
        ctx.get<PluginRegistries>(Tokens.PluginRegistries).create(kind, selection, ctx.get<Rng>(Tokens.Rng)),
      )
      .inSingletonScope();
  }
  return container;
}
