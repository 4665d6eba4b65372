/** main/settings: what other parts of main use. Import it from here, never from a file inside. */
export * from './config-dir';
export * from './settings-store';
