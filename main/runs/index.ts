/** main/runs: what other parts of main use. Import it from here, never from a file inside. */
export * from './code-snapshot';
export * from './run-inputs';
export * from './run-status';
export * from './run-store';
export * from './run-wrapper';
export * from './tmux-launcher';
export * from './slurm-launcher';
export * from './launch-run';
export * from './run-service';
export * from './log-metrics';
export * from './run-patch';
export * from './run-checkout';
export * from './run-refresh';
export * from './log-search';
