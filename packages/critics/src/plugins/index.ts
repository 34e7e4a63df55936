export { dotProductCriticPlugin, dotProductOptionsSchema } from './dot-product-plugin';
export { bilinearCriticPlugin, bilinearOptionsSchema } from './bilinear-plugin';
export { concatConvCriticPlugin, concatConvOptionsSchema } from './concat-conv-plugin';
export { dimGlobalCriticPlugin, dimGlobalOptionsSchema } from './dim-global-plugin';
export { priorDiscriminatorPlugin, priorDiscriminatorOptionsSchema } from './prior-discriminator-plugin';
export { criticDefinitions, criticsModule } from './critics-module';
