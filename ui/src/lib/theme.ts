// The colour theme: follow the OS (`system`), or always light or dark. Remembered in
// localStorage and applied as `data-theme` on <html>, which app.css honours over the OS setting.
import type { KeyValueStorage } from './columnChoice';

export type ThemeChoice = 'system' | 'light' | 'dark';

export const THEME_KEY = 'cairn.theme';

export function loadTheme(storage: KeyValueStorage | undefined): ThemeChoice {
  try {
    const value = storage?.getItem(THEME_KEY);
    return value === 'light' || value === 'dark' ? value : 'system';
  } catch {
    return 'system';
  }
}

export function saveTheme(storage: KeyValueStorage | undefined, theme: ThemeChoice): void {
  try {
    if (theme === 'system') storage?.removeItem(THEME_KEY);
    else storage?.setItem(THEME_KEY, theme);
  } catch {
    // Storage disabled: the choice lasts for this session.
  }
}

/** Sets or clears `data-theme` on the element (document.documentElement in the app). */
export function applyTheme(root: { dataset: DOMStringMap }, theme: ThemeChoice): void {
  if (theme === 'system') delete root.dataset.theme;
  else root.dataset.theme = theme;
}
