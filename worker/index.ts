/**
 * The worker's public surface, for the tools beside it (bench/): run a worker from a configuration,
 * with the real activities, and the Temporal dev server and CLI it runs against. Everything else under
 * worker/ is the worker's own.
 */
export { buildActivities, connectWorkerGitHub } from './activities';
export { lineChartSvg, type ChartBand, type LineChart } from './chart-svg';
export { ConfigError, loadWorkerConfig, type WorkerConfig } from './config/load';
export { checkCanStart, devServerAddress, launchDevServer, type DevServerProcess } from './dev-server';
export { sdkMetricsExporter } from './metrics/sdk-exporter';
export { freePort, portAnswers } from './ports';
export { runWorker, type RunningWorker, type RunWorkerOptions } from './run-worker';
export { devServerExecutable, temporalCliPath } from './temporal-cli';
