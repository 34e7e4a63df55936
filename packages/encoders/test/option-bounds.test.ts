import { describe, expect, it } from 'vitest';
import { amdimEncoderOptionsSchema, dimBasicEncoderOptionsSchema } from '../src/index';

describe('encoder option bounds', () => {
  it('refuses layer widths that would ask for gigabytes of weights, before any allocation', () => {
    expect(() => amdimEncoderOptionsSchema.parse({ ndf: 100_000 })).toThrow(/must be at most 8192 \(a layer width\)/);
    expect(() => dimBasicEncoderOptionsSchema.parse({ fcUnits: 1e9 })).toThrow(/must be at most 8192/);
    expect(amdimEncoderOptionsSchema.parse({ ndf: 8192 })).toMatchObject({ ndf: 8192 });
  });
});
