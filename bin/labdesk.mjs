#!/usr/bin/env node
// The `labdesk` command. Main's TypeScript runs through tsx, so the CLI needs no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../main/cli/index.ts');
await main(process.argv);
