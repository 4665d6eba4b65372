/** main/sftp: what other parts of main use. Import it from here, never from a file inside. */
export * from './channel-window';
export * from './remote-file-reader';
export * from './remote-path';
export * from './sftp-session';
export * from './ssh2-internals';
