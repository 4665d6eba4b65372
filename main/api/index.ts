/** main/api: what other parts of main use. Import it from here, never from a file inside. */
export * from './dispatch';
export * from './session';
