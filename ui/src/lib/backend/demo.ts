// Transport shape of the empty store's demo command (cairn-app's commands/demo.rs).

/** What `load_demo` did; `loaded` is false when the store already had runs. */
export interface DemoLoaded {
  loaded: boolean;
  experiments: number;
  runs: number;
  metric_points: number;
  model_name: string;
}

export interface DemoCommands {
  load_demo: { args: Record<string, never>; result: DemoLoaded };
}
