/** main/diff: what other parts of main use. Import it from here, never from a file inside. */
export * from './folder-compare';
export * from './folder-compare-service';
