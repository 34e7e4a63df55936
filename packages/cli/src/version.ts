import packageJson from '../package.json';

/** The version of @infomax/cli, from its package.json (bundled into the build). */
export const CLI_VERSION: string = packageJson.version;
