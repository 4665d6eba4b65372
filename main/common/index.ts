/** main/common: what other parts of main use. Import it from here, never from a file inside. */
export * from './atomic-write';
export * from './errors';
export * from './event-bus';
export * from './expand-home';
export * from './file-mode';
export * from './format-bytes';
export * from './settled';
export * from './task-registry';
