// Transport shapes of the Monitoring tab's commands (`get_monitoring`, `get_monitoring_batch`),
// generated from cairn-app's monitoring.rs (generated/commands.ts), and of the desktop's
// `compare_run_data` (generated/local-commands.ts): the drift report both show.
export type {
  AlertView,
  BatchDetailView,
  BatchMetric,
  BatchView,
  ColumnDriftView,
  DistributionView,
  DriftTableView,
  DriftView,
  MonitoringView,
  PerformanceView,
  ReferenceView,
  ScoreView,
  SkippedColumnView,
} from './generated/commands';
export type { RunDataDrift } from './generated/local-commands';
