import type { PluginRegistries } from '@infomax/core';
import { InvalidRunConfigError } from '../errors/invalid-run-config-error';
import { describeIssues, uniqueIssues, unknownKeyIssues } from './config-issues';
import { isPlainObject } from './describe-value';
import { runConfigSchema, type RunConfig } from './run-config';
import { validatePluginSelection } from './validate-plugins';

/**
 * Validates a whole run config: its shape and ranges (zod), keys that would be silently
 * dropped, and every plugin it names (recursively, against the registries). Throws one
 * InvalidRunConfigError listing every problem; returns the config with defaults filled in.
 */
export function validateRunConfig(input: unknown, registries: PluginRegistries, origin?: string): RunConfig {
  const parsed = runConfigSchema.safeParse(input);
  const issues = parsed.success ? [] : describeIssues(parsed.error.issues, input, { schema: runConfigSchema });
  issues.push(...unknownKeyIssues(runConfigSchema, input));
  // Plugins are checked even when other fields failed, so one run shows every problem.
  const raw = isPlainObject(input) ? input : {};
  issues.push(...validatePluginSelection(registries, 'objective', raw.objective, 'objective'));
  issues.push(...validatePluginSelection(registries, 'viewGenerator', raw.viewGenerator, 'viewGenerator'));
  if (issues.length > 0 || !parsed.success) throw new InvalidRunConfigError(uniqueIssues(issues), origin);
  return parsed.data;
}
