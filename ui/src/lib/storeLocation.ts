// What Settings → Store says about where the open store came from and how to open another.
import type { AppInfo, StoreChoice, StoreOrigin } from './backend';

/** Why the store is this one, in a few words. */
export function storeOriginText(origin: StoreOrigin | null): string | null {
  switch (origin) {
    case 'flag':
      return 'Opened with --store';
    case 'env':
      return 'Set by CAIRN_STORE';
    case 'remembered':
      return 'Remembered (chosen in Settings or with cairn store use)';
    case 'default':
      return "Default (Cairn's data folder)";
    default:
      return null;
  }
}

/**
 * For a store given by `--store` or `CAIRN_STORE`: that the remembered store (named, or the
 * default one) only applies to launches without them. Null otherwise.
 */
export function overrideNote(info: Pick<AppInfo, 'store_origin' | 'remembered_store' | 'default_store'>): string | null {
  if (info.store_origin !== 'flag' && info.store_origin !== 'env') return null;
  const by = info.store_origin === 'flag' ? '--store' : 'CAIRN_STORE';
  const remembered =
    info.remembered_store !== null
      ? `The remembered store, ${info.remembered_store},`
      : info.default_store !== null
        ? `The default store, ${info.default_store},`
        : 'The remembered store';
  return `This launch uses ${by}. ${remembered} applies only to launches without --store and CAIRN_STORE.`;
}

/** "Use the default store" has something to do: a store other than the default is in use or remembered. */
export function canUseDefault(info: Pick<AppInfo, 'store_origin' | 'remembered_store'>): boolean {
  return info.remembered_store !== null || info.store_origin !== 'default';
}

/** What the UI tells the user after `use_store`, when the app does not reopen. */
export function choiceMessage(choice: StoreChoice): string {
  if (choice.reopen) return `Reopening Cairn on ${choice.store}…`;
  return choice.remembered === null
    ? `The default store is remembered; Cairn already has it open (${choice.store}).`
    : `${choice.store} is remembered; Cairn already has it open.`;
}
