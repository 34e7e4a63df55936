import { Rng } from '@infomax/core';
import type { DataSpec } from '../config/run-config';
import { openData, type OpenedData } from './open-data';

/**
 * The train and test splits evaluation uses, each cut to its maximum size (the first N
 * examples: the real data sets are stored in random order). Synthetic sets are generated at
 * the smaller size; an image folder has no test split, so it is split 80/20 with the run's seed.
 */
export async function openEvalSplits(
  spec: DataSpec,
  sizes: { maxTrain: number; maxTest: number; seed: number },
  where: { env: NodeJS.ProcessEnv; cwd: string },
): Promise<{ train: OpenedData; test: OpenedData }> {
  if (spec.name === 'image-folder') {
    const all = await openData(spec, where.env, where.cwd);
    const [train, test] = all.source.split(0.8, { rng: new Rng(sizes.seed).fork('eval-split'), names: [`${all.source.name}/train`, `${all.source.name}/test`] });
    const cut = (source: typeof train, max: number) => (source.size > max ? source.take(max) : source);
    return { train: { ...all, source: cut(train, sizes.maxTrain) }, test: { ...all, source: cut(test, sizes.maxTest) } };
  }
  const sized = (split: 'train' | 'test', max: number): DataSpec =>
    spec.name.startsWith('synthetic')
      ? { ...spec, split, count: Math.min(spec.limit ?? spec.count, max), limit: undefined }
      : { ...spec, split, limit: Math.min(spec.limit ?? max, max) };
  return {
    train: await openData(sized('train', sizes.maxTrain), where.env, where.cwd),
    test: await openData(sized('test', sizes.maxTest), where.env, where.cwd),
  };
}
