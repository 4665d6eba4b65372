// The `labdesk` command's entry: built to out/cli/labdesk.js (scripts/build-cli.mjs), which is
// package.json's `bin` and what the installers' launcher runs.
import { main } from './index';

await main(process.argv);
