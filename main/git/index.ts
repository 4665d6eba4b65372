/** main/git: what other parts of main use. Import it from here, never from a file inside. */
export * from './commit-source';
export * from './graph/graph-layout';
export * from './graph/graph-text';
export * from './open-repository';
export * from './git-service';
export * from './graph/settled-order';
export * from './graph/oid-ids';
export { runGit, type GitResult } from './run-git';
