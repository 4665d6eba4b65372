/** main/journal: what other parts of main use. Import it from here, never from a file inside. */
export * from './journal-service';
export { JOURNAL_DIR } from './journal-entry';
