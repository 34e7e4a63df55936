import type * as tf from '@tensorflow/tfjs';
import type { BoundResult } from '@infomax/core';
import type { InfoNceOptions } from './bound-options';
import { checkInfoNceCall, composeInfoNce } from './composed-info-nce';
import { fusedInfoNce, fusedInfoNceAvailable, registerFusedInfoNceKernels } from './fused-info-nce-kernels';

/**
 * InfoNCE (van den Oord et al. 2018) on a score matrix with any number of positives per row.
 * Each positive is classified against its row's negatives only, never against the row's other
 * positives (AMDIM scores L positive locations per row):
 *   l(n,p) = s(n,p) - log(exp s(n,p) + sum over negatives j of row n of exp s(n,j)),
 *   loss = -mean over positives of l (+ the l2 regulariser), estimate = mean_n log(1 + K_n) - nce.
 * Terms: `nce` (the loss without regulariser) and `regularizer` (0 unless `l2` > 0).
 *
 * On cpu and wasm this is one fused kernel forward and one backward, where tfjs composes ~170
 * small kernels whose per-kernel overhead cost AMDIM tens of ms a step; elsewhere it is
 * `composedInfoNce`, the same maths from stock ops.
 */
export function infoNce(
  scores: tf.Tensor2D,
  positiveMask: tf.Tensor2D,
  options: InfoNceOptions = {},
): BoundResult {
  checkInfoNceCall(scores, positiveMask, options);
  // Registered on first use, not on import: the package is side-effect free.
  registerFusedInfoNceKernels();
  if (!fusedInfoNceAvailable() || !readableMask(positiveMask)) return composeInfoNce(scores, positiveMask, options);
  const [loss, estimate, nce, regularizer] = fusedInfoNce(scores, positiveMask, {
    clip: options.clip ?? 0,
    l2: options.l2 ?? 0,
  });
  return { loss, estimate, terms: { nce, regularizer } };
}

function readableMask(mask: tf.Tensor): boolean {
  return mask.dtype === 'float32' || mask.dtype === 'int32' || mask.dtype === 'bool';
}
