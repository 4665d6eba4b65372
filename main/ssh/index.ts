/** main/ssh: what other parts of main use. Import it from here, never from a file inside. */
export * from './connect';
export * from './prompter';
export * from './reconnecting-connection';
export * from './remote-exec';
export * from './secret-cache';
export * from './shell-quote';
export * from './target-connection';
