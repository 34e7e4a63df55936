export type { FeatureSet, FeatureShapes } from './feature-set';
export type { Parameterised } from './parameterised';
export type { ApplyOptions, Encoder } from './encoder';
export type { ContextNetwork } from './context-network';
export type { Critic, CriticOutput } from './critic';
export type { Bound, BoundResult, EstimateKind } from './bound';
export type { ViewGenerator, Views } from './view-generator';
export type { ComputeOptions, Objective, ObjectiveOutput, OptimizerGroup } from './objective';
export type { Batch, DataSource } from './data-source';
