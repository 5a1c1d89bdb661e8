import { describe, expect, it } from 'vitest';

import { figureFiles, fullImage, groupLoggedImages, imageAtStep, keysAcrossRuns, nearestStepIndex, parseLoggedImageName, stepsAcrossRuns, stripImage, type MediaKey, type MediaStep } from './media';

describe('parseLoggedImageName', () => {
  const cases: [string, string, ReturnType<typeof parseLoggedImageName>][] = [
    [
      'mlflow 3 full image',
      'images/sample+step+5+timestamp+1733400000000+a1b2c3d4-0000-4000-8000-000000000000.png',
      { key: 'sample', step: 5, timestamp: 1733400000000, uuid: 'a1b2c3d4-0000-4000-8000-000000000000', compressed: false },
    ],
    [
      'mlflow 3 compressed copy',
      'images/sample+step+5+timestamp+1733400000000+g1b2+compressed.webp',
      { key: 'sample', step: 5, timestamp: 1733400000000, uuid: 'g1b2', compressed: true },
    ],
    [
      'older client with % separators',
      'images/sample%step%0%timestamp%17%h123.png',
      { key: 'sample', step: 0, timestamp: 17, uuid: 'h123', compressed: false },
    ],
    [
      'older compressed copy',
      'images/sample%step%0%timestamp%17%h123%compressed.webp',
      { key: 'sample', step: 0, timestamp: 17, uuid: 'h123', compressed: true },
    ],
    [
      'a key with / written as ~',
      'images/val~masks~epoch end+step+2+timestamp+9+k9.png',
      { key: 'val/masks/epoch end', step: 2, timestamp: 9, uuid: 'k9', compressed: false },
    ],
    ['a key with / written as # by old clients', 'images/a#b%step%1%timestamp%2%u.png', { key: 'a/b', step: 1, timestamp: 2, uuid: 'u', compressed: false }],
    ['a key with dots and dashes', 'images/x.y-z_1+step+3+timestamp+4+u.png', { key: 'x.y-z_1', step: 3, timestamp: 4, uuid: 'u', compressed: false }],
    ['a negative step', 'images/k+step+-1+timestamp+4+u.png', { key: 'k', step: -1, timestamp: 4, uuid: 'u', compressed: false }],
    ['not under images/', 'plots/k+step+1+timestamp+4+u.png', null],
    ['in a subfolder of images/', 'images/sub/k+step+1+timestamp+4+u.png', null],
    ['mixed separators', 'images/k+step%1+timestamp+4+u.png', null],
    ['no step', 'images/k+timestamp+4+u.png', null],
    ['a step that is not a number', 'images/k+step+one+timestamp+4+u.png', null],
    ['no uuid', 'images/k+step+1+timestamp+4.png', null],
    ['not an image', 'images/k+step+1+timestamp+4+u.txt', null],
    ['a plain picture', 'images/cat.png', null],
    ['an empty key', 'images/+step+1+timestamp+4+u.png', null],
  ];
  it.each(cases)('%s', (_, path, expected) => {
    expect(parseLoggedImageName(path)).toEqual(expected);
  });
});

describe('groupLoggedImages', () => {
  const files = [
    'images/loss~curve+step+10+timestamp+30+c.png',
    'images/sample+step+5+timestamp+20+b.png',
    'images/sample+step+5+timestamp+20+b+compressed.webp',
    'images/sample+step+0+timestamp+10+a+compressed.webp',
    'images/sample+step+0+timestamp+10+a.png',
    'images/sample%step%5%timestamp%5%old.png',
    'images/readme.txt',
    'model/MLmodel',
  ].map((path) => ({ path }));

  it('pairs full and compressed files, sorts keys and steps, keeps the latest of a step', () => {
    expect(groupLoggedImages(files)).toEqual([
      { key: 'loss/curve', steps: [{ step: 10, timestamp: 30, full: 'images/loss~curve+step+10+timestamp+30+c.png', compressed: null }] },
      {
        key: 'sample',
        steps: [
          {
            step: 0,
            timestamp: 10,
            full: 'images/sample+step+0+timestamp+10+a.png',
            compressed: 'images/sample+step+0+timestamp+10+a+compressed.webp',
          },
          {
            step: 5,
            timestamp: 20,
            full: 'images/sample+step+5+timestamp+20+b.png',
            compressed: 'images/sample+step+5+timestamp+20+b+compressed.webp',
          },
        ],
      },
    ]);
  });

  it('is empty for a run without logged images', () => {
    expect(groupLoggedImages([{ path: 'a.png' }, { path: 'images/x.png' }])).toEqual([]);
  });

  it('uses the compressed copy in the strip and the full image when opened', () => {
    const both: MediaStep = { step: 0, timestamp: 0, full: 'f.png', compressed: 'c.webp' };
    const cases: [MediaStep, string, string][] = [
      [both, 'c.webp', 'f.png'],
      [{ ...both, compressed: null }, 'f.png', 'f.png'],
      [{ ...both, full: null }, 'c.webp', 'c.webp'],
    ];
    for (const [step, strip, full] of cases) {
      expect(stripImage(step)).toBe(strip);
      expect(fullImage(step)).toBe(full);
    }
  });
});

describe('nearestStepIndex', () => {
  const steps = [0, 5, 10].map((step) => ({ step, timestamp: 0, full: null, compressed: null }));
  it.each([
    [0, 0],
    [4, 1],
    [7, 1],
    [8, 2],
    [100, 2],
    [-3, 0],
  ])('step %i → index %i', (step, index) => {
    expect(nearestStepIndex(steps, step)).toBe(index);
  });
  it('is -1 without steps', () => {
    expect(nearestStepIndex([], 3)).toBe(-1);
  });
});

describe('figureFiles', () => {
  it('keeps present images outside images/, sorted', () => {
    const entries = [
      { path: 'plot.png', kind: 'image' as const, present: true },
      { path: 'images/k+step+0+timestamp+1+u.png', kind: 'image' as const, present: true },
      { path: 'eval/confusion.svg', kind: 'image' as const, present: true },
      { path: 'gone.png', kind: 'image' as const, present: false },
      { path: 'table.json', kind: 'json' as const, present: true },
      { path: 'imagesx/a.png', kind: 'image' as const, present: true },
    ];
    expect(figureFiles(entries).map((e) => e.path)).toEqual(['eval/confusion.svg', 'imagesx/a.png', 'plot.png']);
  });
});

describe('across runs', () => {
  const strip = (key: string, steps: number[]): MediaKey => ({
    key,
    steps: steps.map((step) => ({ step, timestamp: step, full: `${key}-${step}.png`, compressed: null })),
  });
  const a = [strip('masks', [0, 5]), strip('samples', [0, 10])];
  const b = [strip('samples', [0, 5, 20])];

  it('unites the keys of every run, sorted', () => {
    expect(keysAcrossRuns([a, b, []])).toEqual(['masks', 'samples']);
  });

  it('unites the steps of a key, ascending', () => {
    expect(stepsAcrossRuns([a[1], b[0], undefined])).toEqual([0, 5, 10, 20]);
    expect(stepsAcrossRuns([undefined])).toEqual([]);
  });

  const cases: [string, MediaKey | undefined, number, { step: number; exact: boolean } | null][] = [
    ['the exact step', a[1], 10, { step: 10, exact: true }],
    ['the nearest step when the run lacks it', a[1], 5, { step: 0, exact: false }],
    ['past the last step', a[1], 20, { step: 10, exact: false }],
    ['no such key in the run', undefined, 5, null],
    ['a key without steps', { key: 'x', steps: [] }, 5, null],
  ];
  it.each(cases)('imageAtStep: %s', (_, strip, step, expected) => {
    const found = imageAtStep(strip, step);
    expect(found === null ? null : { step: found.image.step, exact: found.exact }).toEqual(expected);
  });
});
