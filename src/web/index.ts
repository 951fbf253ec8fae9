/** The browser app: serving the files the build wrote into dist/web/. */
export { registerWebApp, immutableCache, revalidateCache, type WebAppOptions } from './static-routes';
export { findBuiltApp } from './static-files';
