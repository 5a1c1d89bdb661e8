import { describe, expect, it } from 'vitest';

import { THEME_KEY, applyTheme, currentTheme, loadTheme, resolveTheme, saveTheme, type SchemeQuery } from './theme';

function memory() {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
  };
}

describe('theme', () => {
  it('remembers light and dark, and forgets system', () => {
    const storage = memory();
    expect(loadTheme(storage)).toBe('system');
    saveTheme(storage, 'dark');
    expect(loadTheme(storage)).toBe('dark');
    saveTheme(storage, 'system');
    expect(storage.items.has(THEME_KEY)).toBe(false);
    storage.setItem(THEME_KEY, 'purple');
    expect(loadTheme(storage)).toBe('system');
  });

  it('always sets data-theme: a chosen theme as is, "system" as the OS says', () => {
    const root = { dataset: {} as DOMStringMap };
    applyTheme(root, 'light', osScheme(true));
    expect(root.dataset.theme).toBe('light');
    applyTheme(root, 'dark', osScheme(false));
    expect(root.dataset.theme).toBe('dark');
    applyTheme(root, 'system', osScheme(true));
    expect(root.dataset.theme).toBe('dark');
    applyTheme(root, 'system', osScheme(false));
    expect(root.dataset.theme).toBe('light');
    // Where nothing can be asked (no window), "system" is light.
    applyTheme(root, 'system', undefined);
    expect(currentTheme(root)).toBe('light');
    expect(resolveTheme('system', undefined)).toBe('light');
  });

  it('"system" follows the OS switching between light and dark, until another theme is chosen', () => {
    const root = { dataset: {} as DOMStringMap };
    const os = osScheme(false);
    applyTheme(root, 'system', os);
    expect(root.dataset.theme).toBe('light');
    os.switchTo(true);
    expect(root.dataset.theme).toBe('dark');
    os.switchTo(false);
    expect(root.dataset.theme).toBe('light');

    // Choosing a theme stops following: the OS changing no longer moves it.
    applyTheme(root, 'dark', os);
    expect(os.listeners()).toBe(0);
    os.switchTo(false);
    expect(root.dataset.theme).toBe('dark');

    // Back to "system" listens again, once however often it is chosen.
    applyTheme(root, 'system', os);
    applyTheme(root, 'system', os);
    expect(os.listeners()).toBe(1);
    os.switchTo(true);
    expect(root.dataset.theme).toBe('dark');
  });
});

/** A stand-in for `matchMedia('(prefers-color-scheme: dark)')` whose answer the test switches. */
function osScheme(dark: boolean): SchemeQuery & { switchTo(dark: boolean): void; listeners(): number } {
  const listeners = new Set<() => void>();
  return {
    get matches() {
      return dark;
    },
    addEventListener: (_type, listener) => void listeners.add(listener),
    removeEventListener: (_type, listener) => void listeners.delete(listener),
    switchTo(next: boolean) {
      dark = next;
      for (const listener of listeners) listener();
    },
    listeners: () => listeners.size,
  };
}
