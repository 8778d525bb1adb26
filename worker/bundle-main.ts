/**
 * Bundles the workflow code (worker/workflow-bundle.ts's options) and writes it to the file named by
 * the first argument: run by bundleApart in a process of its own, so webpack's memory leaves with it.
 */
import { writeFileSync } from 'node:fs';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowBundleOptions } from './workflow-bundle';

const [out] = process.argv.slice(2);
if (!out) throw new Error('usage: bundle-main.ts <output file>');
const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error };
void bundleWorkflowCode({ ...workflowBundleOptions, logger: quiet }).then(({ code }) => writeFileSync(out, code));
