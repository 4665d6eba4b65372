/** main/terminal: what other parts of main use. Import it from here, never from a file inside. */
export * from './flow-control';
export * from './shell-plan';
export * from './terminal-commands';
export * from './terminal-service';
