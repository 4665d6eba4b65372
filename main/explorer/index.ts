/** main/explorer: what other parts of main use. Import it from here, never from a file inside. */
export * from './remote-context';
export * from './remote-explorer';
export { recordSyncedFile } from './remote-base';
