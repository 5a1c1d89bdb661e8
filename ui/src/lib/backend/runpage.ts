// Transport shapes of the run page commands, generated from cairn-app's run_page_views.rs and
// views.rs (generated/commands.ts).
import type { ArtifactEntry } from './generated/commands';

export type {
  ArtifactEntry,
  ArtifactPreview,
  DatasetInputView,
  GitView,
  ManifestEntryView,
  ManifestView,
  MetricSummary,
  ModelOutputView,
  ModelVersionView,
  RunPageView,
  TextExcerpt,
} from './generated/commands';
export type { RevealedFolder } from './generated/local-commands';

/** How the page previews a file. */
export type ArtifactKind = ArtifactEntry['kind'];
