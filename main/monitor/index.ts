/** main/monitor: what other parts of main use. Import it from here, never from a file inside. */
export * from './alerts';
export * from './gpustat';
export * from './monitor-command';
export * from './monitor-service';
export * from './nvidia-smi';
export * from './proc';
export * from './take-sample';
export * from './sample-shell';
export * from './monitor-spec';
