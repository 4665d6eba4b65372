/** main/workspace: what other parts of main use. Import it from here, never from a file inside. */
export * from './content-kind';
export * from './file-index';
export * from './node-trash';
export * from './project-settings';
export * from './watch-workspace';
export * from './workspace-path';
export * from './workspace';
export * from './real-folder';
