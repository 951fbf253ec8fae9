import packageJson from '../package.json';

/** Astra's version, from package.json (bundled in at build time). */
export const version: string = packageJson.version;
