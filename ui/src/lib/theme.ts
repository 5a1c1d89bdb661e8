// The colour theme: follow the OS (`system`), or always light or dark. Remembered in
// localStorage and applied as `data-theme="light|dark"` on <html> — always set, "system"
// resolved from the OS's `prefers-color-scheme` and kept in step with it — so app.css writes
// each palette once, under its data-theme.
import type { KeyValueStorage } from './columnChoice';

export type ThemeChoice = 'system' | 'light' | 'dark';
export type Theme = 'light' | 'dark';

export const THEME_KEY = 'cairn.theme';

/** The media query of the OS's dark mode. */
export const DARK_QUERY = '(prefers-color-scheme: dark)';

/** The part of a MediaQueryList the theme needs (tests pass a stub). */
export interface SchemeQuery {
  readonly matches: boolean;
  addEventListener(type: 'change', listener: () => void): void;
  removeEventListener(type: 'change', listener: () => void): void;
}

/** The element the theme is set on (document.documentElement in the app). */
export interface ThemeRoot {
  dataset: DOMStringMap;
}

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

/** The OS's dark-mode query, where there is a window to ask. */
export function systemScheme(): SchemeQuery | undefined {
  return typeof window !== 'undefined' && typeof window.matchMedia === 'function' ? window.matchMedia(DARK_QUERY) : undefined;
}

/** The theme a choice comes to: "system" is dark when the OS says so, light otherwise. */
export function resolveTheme(choice: ThemeChoice, scheme: SchemeQuery | undefined): Theme {
  if (choice !== 'system') return choice;
  return scheme?.matches === true ? 'dark' : 'light';
}

/** What `applyTheme` listens to for each root, so a new choice replaces the old listener. */
const following = new WeakMap<ThemeRoot, { scheme: SchemeQuery; listener: () => void }>();

/**
 * Sets `data-theme` on `root` to the theme `choice` comes to; for "system", follows the OS
 * (`scheme`, the window's dark-mode query by default) until the next call.
 */
export function applyTheme(root: ThemeRoot, choice: ThemeChoice, scheme: SchemeQuery | undefined = systemScheme()): void {
  const previous = following.get(root);
  if (previous !== undefined) {
    previous.scheme.removeEventListener('change', previous.listener);
    following.delete(root);
  }
  root.dataset.theme = resolveTheme(choice, scheme);
  if (choice === 'system' && scheme !== undefined) {
    const listener = () => (root.dataset.theme = resolveTheme('system', scheme));
    scheme.addEventListener('change', listener);
    following.set(root, { scheme, listener });
  }
}

/** The theme set on `root`: light until `applyTheme` has run. */
export function currentTheme(root: ThemeRoot): Theme {
  return root.dataset.theme === 'dark' ? 'dark' : 'light';
}

/** Calls `listener` with the new theme each time `data-theme` on `root` changes, until stopped. */
export function onThemeChange(root: HTMLElement, listener: (theme: Theme) => void): () => void {
  const observer = new MutationObserver(() => listener(currentTheme(root)));
  observer.observe(root, { attributes: true, attributeFilter: ['data-theme'] });
  return () => observer.disconnect();
}
