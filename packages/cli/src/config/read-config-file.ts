import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { parseDocument } from 'yaml';
import { usageError } from '../errors/cli-error';
import { isPlainObject } from './describe-value';
import { assertPlainConfigData } from './plain-config-data';

/** A run config is a few kilobytes; a bigger file is not one (and is not read whole). */
export const MAX_CONFIG_FILE_BYTES = 1024 * 1024;

/**
 * Reads a run config (or a partial one) from JSON (.json) or YAML (.yaml, .yml, anything else).
 * Configs are data, never code: YAML is read with its core schema only (no tags that build
 * sets, binary buffers or dates, no custom tags), aliases are capped against expansion bombs,
 * and the result must be plain data (see assertPlainConfigData).
 */
export async function readConfigFile(file: string): Promise<Record<string, unknown>> {
  const text = await readConfigText(file);
  const json = extname(file).toLowerCase() === '.json';
  let parsed: unknown;
  try {
    // YAML is a superset of JSON, but JSON.parse gives JSON files JSON's own error messages.
    parsed = json ? JSON.parse(text) : parseYamlData(text);
  } catch (error) {
    throw usageError(`config file ${file} is not valid ${json ? 'JSON' : 'YAML'}: ${(error as Error).message}`);
  }
  if (!isPlainObject(parsed)) {
    throw usageError(`config file ${file} must hold an object (a mapping of fields), not ${parsed === null ? 'nothing' : Array.isArray(parsed) ? 'a list' : typeof parsed}`);
  }
  assertPlainConfigData(parsed, `config file ${file}`);
  return parsed;
}

async function readConfigText(file: string): Promise<string> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw usageError(`cannot read config file ${file}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  try {
    const { size, isFile } = await handle.stat().then((s) => ({ size: s.size, isFile: s.isFile() }));
    if (!isFile) throw usageError(`config file ${file} is not a file`);
    if (size > MAX_CONFIG_FILE_BYTES) {
      throw usageError(`config file ${file} holds ${size} bytes; a run config is at most ${MAX_CONFIG_FILE_BYTES} bytes (is it the right file?)`);
    }
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

/** YAML 1.2 core schema, as data: every error and warning (an unknown tag) is a failure. */
function parseYamlData(text: string): unknown {
  const doc = parseDocument(text, { schema: 'core', resolveKnownTags: false, uniqueKeys: true, merge: false });
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) {
    const first = problem.message.split('\n')[0]!.replace(/:$/, '');
    const tag = problem.code === 'TAG_RESOLVE_FAILED' ? ' (configs are plain data: YAML tags such as !!set, !!binary or !!js/function are not read)' : '';
    throw new Error(`${first}${tag}`);
  }
  return doc.toJS({ maxAliasCount: 100 });
}
