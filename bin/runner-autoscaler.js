#!/usr/bin/env node
// The npm bin: runs the TypeScript client directly (as `npm run cli` does), compiled with the project's
// tsconfig whatever the working directory.
process.env.SWC_NODE_PROJECT ??= require.resolve('../tsconfig.json');
require('@swc-node/register');
require('../client/main.ts');
