import { restoreCheckpoint, VARIABLE_PREFIX, type Objective, type TrainingCheckpoint } from '@infomax/core';

/**
 * Loads a training checkpoint's weights into a freshly built objective: its own variables
 * only (the checkpoint also holds optimizer moments and the online probe, which evaluation
 * does not need). Shapes are checked first and a mismatch names the variable.
 */
export function loadObjectiveWeights(objective: Objective, checkpoint: TrainingCheckpoint): void {
  const variables = objective.namedVariables();
  const tensors = new Map(
    [...checkpoint.tensors].filter(([name]) => name.startsWith(VARIABLE_PREFIX) && variables.has(name.slice(VARIABLE_PREFIX.length))),
  );
  // Missing variables are still reported: restoreCheckpoint checks every variable of the model.
  restoreCheckpoint({ ...checkpoint, tensors }, { variables, optimizers: new Map() });
}
