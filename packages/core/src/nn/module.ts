import * as tf from '@tensorflow/tfjs';
import type { Parameterised } from '../contracts/parameterised';

let globalVariableCounter = 0;

/**
 * Base of every layer, encoder, critic and objective that owns variables. Variables are keyed
 * by a local path ("block1/conv/kernel") built from the module tree, independent of tfjs's
 * global variable names, so checkpoints restore across processes and across instances.
 */
export class Module implements Parameterised {
  private readonly ownVariables = new Map<string, tf.Variable>();
  private readonly children = new Map<string, Parameterised>();

  protected addVariable(name: string, initial: tf.Tensor, trainable = true): tf.Variable {
    if (this.ownVariables.has(name) || this.children.has(name)) {
      throw new Error(`${this.constructor.name}: a variable or child named '${name}' already exists`);
    }
    // tfjs requires globally unique variable names; ours only need to be unique per module.
    const variable = tf.variable(initial, trainable, `${name}_${globalVariableCounter++}`);
    initial.dispose();
    this.ownVariables.set(name, variable);
    return variable;
  }

  /** Adds a child whose variables appear under `name/` (any `Parameterised`, e.g. a plugin). */
  protected addModule<T extends Parameterised>(name: string, child: T): T {
    if (this.ownVariables.has(name) || this.children.has(name)) {
      throw new Error(`${this.constructor.name}: a variable or child named '${name}' already exists`);
    }
    this.children.set(name, child);
    return child;
  }

  namedVariables(): Map<string, tf.Variable> {
    const out = new Map<string, tf.Variable>(this.ownVariables);
    for (const [childName, child] of this.children) {
      for (const [path, variable] of child.namedVariables()) out.set(`${childName}/${path}`, variable);
    }
    return out;
  }

  get trainableVariables(): tf.Variable[] {
    return [...this.namedVariables().values()].filter((v) => v.trainable);
  }

  get nonTrainableVariables(): tf.Variable[] {
    return [...this.namedVariables().values()].filter((v) => !v.trainable);
  }

  /** Number of scalar parameters (trainable and not). */
  countParameters(trainableOnly = true): number {
    const vars = trainableOnly ? this.trainableVariables : [...this.namedVariables().values()];
    return vars.reduce((n, v) => n + v.size, 0);
  }

  dispose(): void {
    for (const v of this.ownVariables.values()) v.dispose();
    for (const child of this.children.values()) child.dispose();
    this.ownVariables.clear();
    this.children.clear();
  }
}
