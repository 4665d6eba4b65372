/** main/dev: what other parts of main use. Import it from here, never from a file inside. */
export * from './demo-workspace';
export * from './electron-binary';
export * from './sshd-binary';
export * from './throwaway-sshd';
