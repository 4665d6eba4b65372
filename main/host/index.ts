/** main/host: what other parts of main use. Import it from here, never from a file inside. */
export * from './content-types';
export * from './renderer-dir';
export * from './static-files';
export * from './web-host';
