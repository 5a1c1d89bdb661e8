// The text of one runs-table cell, and its tooltip, for any column.
import type { RunRow } from './backend/backend';
import type { Column } from './columns';
import {
  MISSING,
  formatDuration,
  formatMetric,
  formatTimestamp,
  metricTitle,
  runDurationMillis,
  shortCommit,
} from './format';

export function cellText(run: RunRow, column: Column, nowMillis: number): string {
  switch (column.kind) {
    case 'param':
      return run.params[column.key] ?? MISSING;
    case 'metric':
      return formatMetric(run.metrics[column.key]);
    case 'attribute':
      return attributeText(run, column.key, nowMillis);
  }
}

export function cellTitle(run: RunRow, column: Column): string {
  switch (column.kind) {
    case 'param':
      return run.params[column.key] ?? '';
    case 'metric':
      return metricTitle(run.metrics[column.key]);
    case 'attribute':
      switch (column.key) {
        case 'name':
          return `${displayName(run)}\nrun ${run.run_id}`;
        case 'start':
          return run.start_time === null ? '' : new Date(run.start_time).toString();
        case 'commit':
          if (!run.git_commit) return '';
          return run.git_dirty ? `${run.git_commit} with uncommitted changes` : run.git_commit;
        case 'data':
          return run.data_hash ? `data hash ${run.data_hash}` : '';
        default:
          return '';
      }
  }
}

/** The run's name, or the start of its id when it has none. */
export function displayName(run: RunRow): string {
  return run.run_name.trim() !== '' ? run.run_name : run.run_id.slice(0, 8);
}

function attributeText(run: RunRow, key: string, nowMillis: number): string {
  switch (key) {
    case 'name':
      return displayName(run);
    case 'status':
      return run.status;
    case 'start':
      return formatTimestamp(run.start_time);
    case 'duration':
      return formatDuration(
        runDurationMillis(run.start_time, run.end_time, run.status === 'RUNNING', nowMillis),
      );
    case 'user':
      return run.user_id || MISSING;
    case 'source':
      return run.source_kind || MISSING;
    case 'commit':
      return shortCommit(run.git_commit);
    case 'data':
      return run.data_hash ? run.data_hash.slice(0, 8) : MISSING;
    default:
      return MISSING;
  }
}
