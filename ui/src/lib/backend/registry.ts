// Transport shapes of the registry commands, generated from cairn-app's registry.rs and
// models.rs (generated/commands.ts).
import type { MetricValue } from './generated/commands';

export type {
  CompareRow,
  HistoryView,
  ModelDetail,
  ModelSummary,
  PromoteRequest,
  ResolvedModel,
  RunSummary,
  StageLatest,
  VersionComparison,
  VersionDetail,
} from './generated/commands';

/** A metric value: non-finite values travel as strings (see backend.ts). */
export type RegistryMetricValue = MetricValue;
