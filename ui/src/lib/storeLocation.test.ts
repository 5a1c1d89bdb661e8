import { describe, expect, it } from 'vitest';

import { canUseDefault, choiceMessage, overrideNote, storeOriginText } from './storeLocation';

describe('storeOriginText', () => {
  it('names each origin, and nothing when the shell did not say', () => {
    expect(storeOriginText('flag')).toBe('Opened with --store');
    expect(storeOriginText('env')).toBe('Set by CAIRN_STORE');
    expect(storeOriginText('remembered')).toMatch(/^Remembered/);
    expect(storeOriginText('default')).toMatch(/^Default/);
    expect(storeOriginText(null)).toBeNull();
  });
});

describe('overrideNote', () => {
  it('says the remembered store waits for launches without --store or CAIRN_STORE', () => {
    expect(overrideNote({ store_origin: 'flag', remembered_store: '/a/cairn.db', default_store: '/d/cairn.db' })).toBe(
      'This launch uses --store. The remembered store, /a/cairn.db, applies only to launches without --store and CAIRN_STORE.',
    );
    expect(overrideNote({ store_origin: 'env', remembered_store: null, default_store: '/d/cairn.db' })).toBe(
      'This launch uses CAIRN_STORE. The default store, /d/cairn.db, applies only to launches without --store and CAIRN_STORE.',
    );
  });

  it('has nothing to say when the remembered or default store is the one open', () => {
    expect(overrideNote({ store_origin: 'remembered', remembered_store: '/a.db', default_store: null })).toBeNull();
    expect(overrideNote({ store_origin: 'default', remembered_store: null, default_store: '/d.db' })).toBeNull();
    expect(overrideNote({ store_origin: null, remembered_store: null, default_store: null })).toBeNull();
  });
});

describe('canUseDefault', () => {
  it('is off only when the default store is open and nothing else is remembered', () => {
    expect(canUseDefault({ store_origin: 'default', remembered_store: null })).toBe(false);
    expect(canUseDefault({ store_origin: 'remembered', remembered_store: '/a.db' })).toBe(true);
    expect(canUseDefault({ store_origin: 'flag', remembered_store: null })).toBe(true);
  });
});

describe('choiceMessage', () => {
  it('tells whether the app reopens', () => {
    expect(choiceMessage({ store: '/a.db', remembered: '/a.db', reopen: true })).toBe('Reopening Cairn on /a.db…');
    expect(choiceMessage({ store: '/a.db', remembered: '/a.db', reopen: false })).toBe(
      '/a.db is remembered; Cairn already has it open.',
    );
    expect(choiceMessage({ store: '/d.db', remembered: null, reopen: false })).toMatch(/^The default store is remembered/);
  });
});
