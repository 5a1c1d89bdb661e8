// Transport shape of the empty store's demo command, generated from cairn-app's commands/demo.rs.
export type { DemoLoaded } from './generated/commands';
