import { z } from '@infomax/core';
import { describe, expect, it } from 'vitest';
import { closestName } from '../src/config/closest-name';
import { describeIssues, unknownKeyIssues } from '../src/config/config-issues';
import { deepMerge } from '../src/config/deep-merge';
import { parseSetOverrides } from '../src/config/set-overrides';
import { partKindOf } from '../src/config/validate-plugins';

describe('deepMerge', () => {
  it('merges objects key by key, replaces arrays and scalars, and never mutates its inputs', () => {
    const base = { a: { b: 1, c: [1, 2] }, d: 'x' };
    const over = { a: { c: [3] }, e: true };
    expect(deepMerge(base, over)).toEqual({ a: { b: 1, c: [3] }, d: 'x', e: true });
    expect(base).toEqual({ a: { b: 1, c: [1, 2] }, d: 'x' });
  });

  it('replaces a plugin selection whose name changes instead of mixing two plugins\' options', () => {
    const preset = { bound: { name: 'infonce', options: { clip: 20, l2: 0.05 } } };
    expect(deepMerge(preset, { bound: { name: 'jsd' } })).toEqual({ bound: { name: 'jsd' } });
    expect(deepMerge(preset, { bound: { options: { clip: 10 } } })).toEqual({ bound: { name: 'infonce', options: { clip: 10, l2: 0.05 } } });
  });

  it('removes keys a later layer sets to undefined', () => {
    expect(deepMerge({ trainer: { steps: 10, batchSize: 4 } }, { trainer: { steps: undefined, epochs: 2 } })).toEqual({
      trainer: { batchSize: 4, epochs: 2 },
    });
  });
});

describe('parseSetOverrides', () => {
  it('reads JSON values and falls back to strings', () => {
    expect(parseSetOverrides(['a.b=4', 'a.c=true', 'd=[1,2]', 'e=jsd', 'f={"x":1}', 'g='])).toEqual({
      a: { b: 4, c: true },
      d: [1, 2],
      e: 'jsd',
      f: { x: 1 },
      g: '',
    });
  });

  it('rejects assignments without a path', () => {
    expect(() => parseSetOverrides(['=3'])).toThrow("--set '=3' is not of the form path.to.field=value");
    expect(() => parseSetOverrides(['a..b=3'])).toThrow('is not of the form');
    expect(() => parseSetOverrides(['nothing'])).toThrow('is not of the form');
  });
});

describe('config messages', () => {
  const schema = z.object({
    batchSize: z.number().int().positive(),
    mode: z.enum(['fast', 'exact']).default('fast'),
    probe: z.union([z.literal(false), z.object({ numClasses: z.number().int().min(2) })]).default(false),
    sizes: z.array(z.number()).min(1).optional(),
  });

  const issuesOf = (input: unknown) => {
    const result = schema.safeParse(input);
    return result.success ? [] : describeIssues(result.error.issues, input, { prefix: 'trainer', schema });
  };

  it('says what was found and what is allowed', () => {
    expect(issuesOf({ batchSize: 0, mode: 'quick', sizes: [] })).toEqual([
      { path: 'trainer.batchSize', message: 'must be > 0, got 0' },
      { path: 'trainer.mode', message: "expected one of 'fast', 'exact', got 'quick'" },
      { path: 'trainer.sizes', message: 'needs at least 1 item(s), got []' },
    ]);
    expect(issuesOf({})).toEqual([{ path: 'trainer.batchSize', message: 'required (number)' }]);
  });

  it('follows the union branch the value was meant for', () => {
    expect(issuesOf({ batchSize: 1, probe: { numClasses: 1 } })).toEqual([
      { path: 'trainer.probe.numClasses', message: 'must be >= 2, got 1' },
    ]);
    expect(issuesOf({ batchSize: 1, probe: 'yes' })).toEqual([{ path: 'trainer.probe', message: "expected false or object, got 'yes'" }]);
  });

  it('finds keys a lenient schema would drop, inside unions and records too', () => {
    const lenient = z.object({ batchSize: z.number(), groups: z.record(z.string(), z.object({ lr: z.number() })) });
    expect(unknownKeyIssues(lenient, { batchSize: 1, batchsize: 2, groups: { main: { lr: 1, lrr: 2 } }, zzz: 0 }, 'trainer')).toEqual([
      { path: 'trainer.batchsize', message: "unknown field; did you mean 'batchSize'?" },
      { path: 'trainer.groups.main.lrr', message: "unknown field; did you mean 'lr'?" },
      { path: 'trainer.zzz', message: 'unknown field; allowed: batchSize, groups' },
    ]);
  });

  it('lists the fields of a strict schema for an unknown key', () => {
    const strict = z.strictObject({ clip: z.number().optional(), l2: z.number().optional() });
    const result = strict.safeParse({ clp: 1, alpha: 2 });
    expect(result.success).toBe(false);
    expect(describeIssues(result.error!.issues, { clp: 1, alpha: 2 }, { prefix: 'bound.options', schema: strict })).toEqual([
      { path: 'bound.options.clp', message: "unknown field; did you mean 'clip'?" },
      { path: 'bound.options.alpha', message: 'unknown field; allowed: clip, l2' },
    ]);
  });

  it('guesses only close names', () => {
    expect(closestName('batchsize', ['batchSize', 'steps'])).toBe('batchSize');
    expect(closestName('stpes', ['batchSize', 'steps'])).toBe('steps');
    expect(closestName('learningRate', ['batchSize', 'steps'])).toBeUndefined();
  });

  it('tells the kind of an objective part from its option name', () => {
    expect(['encoder', 'localCritic', 'globalCritic', 'priorDiscriminator', 'bound', 'contextNetwork', 'probe'].map(partKindOf)).toEqual([
      'encoder',
      'critic',
      'critic',
      'critic',
      'bound',
      'contextNetwork',
      undefined,
    ]);
  });
});
