import { describe, expect, it } from 'vitest';

import { THEME_KEY, applyTheme, loadTheme, saveTheme } from './theme';

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

  it('sets data-theme only when not following the system', () => {
    const root = { dataset: {} as DOMStringMap };
    applyTheme(root, 'light');
    expect(root.dataset.theme).toBe('light');
    applyTheme(root, 'system');
    expect(root.dataset.theme).toBeUndefined();
  });
});
