/** main/server: setting up and checking the active server. Import it from here, never from a file inside. */
export * from './server-check';
export * from './server-service';
export * from './server-setup';
