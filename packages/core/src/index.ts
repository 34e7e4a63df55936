import 'reflect-metadata';

export { z } from 'zod';
export * from './tokens';
export * from './contracts';
export * from './registry';
export * from './container';
export * from './random';
export * from './tensor';
export * from './nn';
export * from './backends';
export * from './training';
export * from './testing';
