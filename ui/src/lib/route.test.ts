import { describe, expect, it } from 'vitest';

import { parseRoute, routeHash, type Route } from './route';

describe('routes', () => {
  const cases: [string, Route][] = [
    ['#/runs', { view: 'runs' }],
    ['#/runs/0a1b2c', { view: 'run', runId: '0a1b2c' }],
    ['#/compare?runs=a,b,c', { view: 'compare', runIds: ['a', 'b', 'c'] }],
    ['#/models', { view: 'models' }],
    ['#/models/fraud%20detector%2Fv2', { view: 'model', name: 'fraud detector/v2' }],
    ['#/settings', { view: 'settings' }],
  ];

  it.each(cases)('%s parses and prints back', (hash, route) => {
    expect(parseRoute(hash)).toEqual(route);
    expect(routeHash(route)).toBe(hash);
  });

  it.each(['', '#', '#/', '#/nowhere', 'garbage'])('%j is the runs view', (hash) => {
    expect(parseRoute(hash)).toEqual({ view: 'runs' });
  });

  it('keeps a malformed escape as it is and drops empty run ids', () => {
    expect(parseRoute('#/runs/%E0%A4%A')).toEqual({ view: 'run', runId: '%E0%A4%A' });
    expect(parseRoute('#/compare?runs=a,,b,')).toEqual({ view: 'compare', runIds: ['a', 'b'] });
    expect(parseRoute('#/compare')).toEqual({ view: 'compare', runIds: [] });
  });
});
