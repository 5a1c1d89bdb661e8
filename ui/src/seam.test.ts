// The one front-end seam: only src/lib/backend/tauri.ts may import `@tauri-apps`, so the same UI
// runs in a browser against `cairn serve` (and in Playwright) without Tauri.
import { describe, expect, it } from 'vitest';

const sources = import.meta.glob<string>(['/src/**/*.ts', '/src/**/*.svelte', '!/src/**/*.test.ts'], {
  query: '?raw',
  import: 'default',
  eager: true,
});

describe('the backend seam', () => {
  it('finds the sources it checks', () => {
    expect(Object.keys(sources)).toContain('/src/lib/backend/tauri.ts');
    expect(Object.keys(sources)).toContain('/src/App.svelte');
  });

  it('keeps every @tauri-apps import in src/lib/backend/tauri.ts', () => {
    const importers = Object.entries(sources)
      .filter(([, text]) => /from\s+['"]@tauri-apps\/|import\s*\(\s*['"]@tauri-apps\//.test(text))
      .map(([path]) => path);
    expect(importers).toEqual(['/src/lib/backend/tauri.ts']);
  });

  it('keeps fetch calls to the backend in src/lib/backend/http.ts', () => {
    const fetchers = Object.entries(sources)
      .filter(([, text]) => /\bfetch\s*\(/.test(text))
      .map(([path]) => path);
    expect(fetchers).toEqual(['/src/lib/backend/http.ts']);
  });
});
