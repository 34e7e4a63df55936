import type { Bound } from '@infomax/core';

/**
 * The metric suffix of a bound's estimate: 'jsd' for the Jensen-Shannon objective, whose value
 * is a divergence and must never be read as nats of mutual information; 'estimate' otherwise.
 */
export function estimateLabel(bound: Bound): 'jsd' | 'estimate' {
  return bound.estimateKind === 'jensen-shannon' ? 'jsd' : 'estimate';
}
