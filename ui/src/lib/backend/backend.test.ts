import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';

import { BackendError, TRANSPORT_ERROR, toBackendError, type Backend, type CommandName } from './backend';
import { HttpBackend, type Fetch } from './http';
import { createBackend, isTauri } from './index';
import type { LocalCommandName } from './local';
import { TauriBackend } from './tauri';

const request = {
  experiment_ids: ['1', '2'],
  filter: "metrics.val_acc > 0.8 and params.optimizer = 'adam'",
  order_by: ['metrics.val_acc DESC'],
  max_results: 500,
  offset: 0,
};

const page = { runs: [], total_count: 0, next_offset: null, param_keys: [], metric_keys: [], tag_keys: [] };

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

describe('the backend chooser', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('uses Tauri when the desktop app injected its internals', () => {
    const scope = { __TAURI_INTERNALS__: {} };
    expect(isTauri(scope)).toBe(true);
    expect(createBackend(scope)).toBeInstanceOf(TauriBackend);
  });

  it('uses HTTP in a plain browser', () => {
    expect(isTauri({})).toBe(false);
    expect(createBackend({})).toBeInstanceOf(HttpBackend);
  });

  it('looks at the global scope by default', () => {
    expect(createBackend()).toBeInstanceOf(HttpBackend);
    vi.stubGlobal('__TAURI_INTERNALS__', {});
    expect(createBackend()).toBeInstanceOf(TauriBackend);
  });
});

describe('HttpBackend', () => {
  it('POSTs each command to /app/api/<command> with the invoke arguments as JSON', async () => {
    const fetch = vi.fn<Fetch>(async () => jsonResponse(200, page));
    const backend = new HttpBackend('', fetch);

    await expect(backend.call('list_runs', { request })).resolves.toEqual(page);
    expect(fetch).toHaveBeenCalledTimes(1);
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe('/app/api/list_runs');
    expect(init.method).toBe('POST');
    expect(new Headers(init.headers).get('content-type')).toBe('application/json');
    expect(JSON.parse(init.body as string)).toEqual({ request });
  });

  it('sends an empty object for list_experiments, under the base URL', async () => {
    const experiments = [
      { experiment_id: '0', name: 'Default', lifecycle_stage: 'active', run_count: 0, creation_time: null, last_update_time: null },
    ];
    const fetch = vi.fn<Fetch>(async () => jsonResponse(200, experiments));
    const backend = new HttpBackend('http://127.0.0.1:5000', fetch);

    await expect(backend.call('list_experiments', {})).resolves.toEqual(experiments);
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe('http://127.0.0.1:5000/app/api/list_experiments');
    expect(JSON.parse(init.body as string)).toEqual({});
  });

  it('tells MLflow clients to log to the server it talks to', () => {
    expect(new HttpBackend('http://127.0.0.1:5000').trackingUri).toBe('http://127.0.0.1:5000');
  });

  it("rejects with the backend's own error kind, message and MLflow error code", async () => {
    const error = {
      error_code: 'INVALID_PARAMETER_VALUE',
      kind: 'invalid_filter',
      message: "unknown comparator '>>' at column 16",
    };
    const backend = new HttpBackend('', async () => jsonResponse(400, error));

    const thrown = await backend.call('list_runs', { request }).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(BackendError);
    expect(thrown).toMatchObject(error);
  });

  it('reports a non-JSON failure and an unreachable server as transport errors', async () => {
    const badGateway = new HttpBackend('', async () => new Response('upstream down', { status: 502 }));
    await expect(badGateway.call('list_experiments', {})).rejects.toMatchObject({
      kind: TRANSPORT_ERROR,
      message: 'HTTP 502 from /app/api/list_experiments: upstream down',
    });

    const offline = new HttpBackend('', async () => {
      throw new TypeError('Failed to fetch');
    });
    await expect(offline.call('list_experiments', {})).rejects.toMatchObject({
      kind: TRANSPORT_ERROR,
      message: 'cannot reach the Cairn server: Failed to fetch',
    });
  });
});

describe('HttpBackend events', () => {
  it('listens to /app/events and hands each parsed event to the listener until stopped', () => {
    const opened: string[] = [];
    const stream = { onmessage: null as ((m: MessageEvent<string>) => void) | null, closed: false, close() { this.closed = true; } };
    const backend = new HttpBackend('http://127.0.0.1:5000', undefined, (url) => {
      opened.push(url);
      return stream;
    });
    const events: unknown[] = [];
    const stop = backend.subscribe((event) => events.push(event));

    stream.onmessage?.({ data: '{"type":"runs_changed","run_ids":["r1"]}' } as MessageEvent<string>);
    stream.onmessage?.({ data: 'not json' } as MessageEvent<string>);
    stop();

    expect(opened).toEqual(['http://127.0.0.1:5000/app/events']);
    expect(events).toEqual([{ type: 'runs_changed', run_ids: ['r1'] }]);
    expect(stream.closed).toBe(true);
  });
});

describe('TauriBackend', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("sends every command through the shell's `call` and maps a rejected AppError", async () => {
    const calls: [string, unknown][] = [];
    // What the desktop app injects; `@tauri-apps/api`'s invoke calls into it.
    const internals = {
      invoke: async (command: string, args: { command: string }) => {
        calls.push([command, args]);
        if (args.command === 'list_runs') throw { kind: 'invalid_filter', message: 'bad filter' };
        return [];
      },
      transformCallback: () => 0,
    };
    vi.stubGlobal('window', { __TAURI_INTERNALS__: internals });
    const backend = new TauriBackend();

    await expect(backend.call('list_experiments', {})).resolves.toEqual([]);
    await expect(backend.call('list_runs', { request })).rejects.toMatchObject({ kind: 'invalid_filter', message: 'bad filter' });
    expect(calls).toEqual([
      ['call', { command: 'list_experiments', args: {} }],
      ['call', { command: 'list_runs', args: { request } }],
    ]);
  });

  it('listens to cairn://event through the event plugin, loaded on first use, and stops listening', async () => {
    const calls: [string, Record<string, unknown>][] = [];
    const handlers = new Map<number, (message: unknown) => void>();
    const internals = {
      invoke: async (command: string, args: Record<string, unknown>) => {
        calls.push([command, args]);
        return command === 'plugin:event|listen' ? 7 : null;
      },
      transformCallback: (callback: (message: unknown) => void) => {
        handlers.set(handlers.size + 1, callback);
        return handlers.size;
      },
      unregisterCallback: () => {},
    };
    vi.stubGlobal('window', { __TAURI_INTERNALS__: internals, __TAURI_EVENT_PLUGIN_INTERNALS__: { unregisterListener: () => {} } });
    const events: unknown[] = [];
    const stop = new TauriBackend().subscribe((event) => events.push(event));
    await vi.waitFor(() => expect(calls.map(([command]) => command)).toContain('plugin:event|listen'));
    expect(calls[0]![1]).toMatchObject({ event: 'cairn://event' });
    const handler = [...handlers.values()].at(-1)!;
    handler({ event: 'cairn://event', id: 7, payload: { type: 'runs_changed', run_ids: ['r1'] } });
    expect(events).toEqual([{ type: 'runs_changed', run_ids: ['r1'] }]);
    stop();
    await vi.waitFor(() => expect(calls.map(([command]) => command)).toContain('plugin:event|unlisten'));
  });
});

describe('the local shell', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("is the desktop app's, and sends its commands through the shell's `call` too", async () => {
    const calls: [string, unknown][] = [];
    const internals = {
      invoke: async (command: string, args: unknown) => {
        calls.push([command, args]);
        return { folder: '/home/me/runs/abc/artifacts' };
      },
      transformCallback: () => 0,
    };
    vi.stubGlobal('window', { __TAURI_INTERNALS__: internals });
    const backend: Backend = new TauriBackend();

    await expect(backend.local?.call('reveal_artifact', { runId: 'abc', path: 'model.pt' })).resolves.toEqual({
      folder: '/home/me/runs/abc/artifacts',
    });
    expect(calls).toEqual([['call', { command: 'reveal_artifact', args: { runId: 'abc', path: 'model.pt' } }]]);
  });

  it('is absent in a browser, which reaches only the store', () => {
    const backend: Backend = new HttpBackend('http://127.0.0.1:5000');
    expect(backend.local).toBeUndefined();
  });

  it("keeps the store's commands and the desktop app's own apart", () => {
    expectTypeOf<CommandName & LocalCommandName>().toBeNever();
    expectTypeOf<'index_folder'>().toExtend<LocalCommandName>();
    expectTypeOf<'upload_artifact'>().toExtend<CommandName>();
    // A command naming a host path cannot even be written against the store's `call`.
    const ask = (backend: Backend) =>
      // @ts-expect-error index_folder is the desktop app's own
      backend.call('index_folder', { path: '/etc' });
    expect(typeof ask).toBe('function');
  });
});

describe('choosing a folder', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("asks the desktop app's dialog plugin for one folder and gives its path, or null when cancelled", async () => {
    const asked: unknown[] = [];
    let answer: string | null = '/home/me/experiments';
    const internals = {
      invoke: async (command: string, args: unknown) => {
        asked.push([command, args]);
        return answer;
      },
      transformCallback: () => 0,
    };
    vi.stubGlobal('window', { __TAURI_INTERNALS__: internals });
    const { local } = new TauriBackend();

    await expect(local.chooseFolder('Choose a folder to watch')).resolves.toBe('/home/me/experiments');
    expect(asked).toEqual([
      ['plugin:dialog|open', { options: { directory: true, multiple: false, title: 'Choose a folder to watch' } }],
    ]);
    answer = null;
    await expect(local.chooseFolder('Choose a folder to watch')).resolves.toBeNull();
  });
});

describe('toBackendError', () => {
  it('keeps AppErrors and wraps anything else as a transport error', () => {
    expect(toBackendError({ kind: 'not_found', message: 'no such run' })).toMatchObject({ kind: 'not_found' });
    expect(toBackendError({ error_code: 'RESOURCE_DOES_NOT_EXIST', kind: 'not_found', message: 'no command' })).toMatchObject({
      error_code: 'RESOURCE_DOES_NOT_EXIST',
    });
    expect(toBackendError(new Error('boom'))).toMatchObject({ kind: TRANSPORT_ERROR, message: 'boom' });
    expect(toBackendError('oops')).toMatchObject({ kind: TRANSPORT_ERROR, message: 'oops' });
  });
});
