import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { usageError } from '../errors/cli-error';
import { isPlainObject } from './describe-value';

/** Reads a run config (or a partial one) from JSON (.json) or YAML (.yaml, .yml, anything else). */
export async function readConfigFile(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw usageError(`cannot read config file ${file}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  let parsed: unknown;
  try {
    // YAML is a superset of JSON, but JSON.parse gives JSON files JSON's own error messages.
    parsed = extname(file).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw usageError(`config file ${file} is not valid ${extname(file).toLowerCase() === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message}`);
  }
  if (!isPlainObject(parsed)) {
    throw usageError(`config file ${file} must hold an object (a mapping of fields), not ${parsed === null ? 'nothing' : typeof parsed}`);
  }
  return parsed;
}
