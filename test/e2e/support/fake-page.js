/* global window, document, requestAnimationFrame */
// Runs in the page before the app (an init script): a stand-in for the web host's WebSocket
// that answers the contract from a fixture, so the renderer can be measured and stressed with
// 10,000 transfers and 20,000 progress events without a backend. `window.__fake` drives it.
globalThis.installFakeCourier = function install(fixture) {
  const states = ['done', 'running', 'queued', 'paused', 'failed'];
  const items = [];
  const now = Date.now();
  for (let i = 0; i < fixture.count; i++) {
    const state = states[i % states.length];
    const size = 1024 * 1024 * (1 + (i % 50));
    items.push({
      id: 't' + i,
      kind: i % 3 === 0 ? 'download' : 'upload',
      name: 'sample-' + String(i).padStart(5, '0') + '.dat',
      localPath: '/data/run/sample-' + i + '.dat',
      size,
      bytesDone: state === 'done' ? size : state === 'queued' ? 0 : Math.floor(size / 3),
      bytesPerSecond: state === 'running' ? 5 * 1024 * 1024 : 0,
      etaSeconds: state === 'running' ? 40 : null,
      state,
      ...(state === 'failed' ? { error: { code: 'server_error', message: 'Rescale answered 503 five times; try again later.' } } : {}),
      priority: 0,
      createdAt: now - i * 1000,
    });
  }
  const overall = { bytesDone: 0, bytesTotal: 0, bytesPerSecond: 0, etaSeconds: null, active: 0 };
  let seq = 100;
  const marks = { listSentAt: 0, firstRowsAt: 0, longest: 0, longTasks: 0, applied: 0 };

  const answers = {
    'courier:settings.get': () => fixture.settings,
    'courier:accounts.list': () => ({ accounts: fixture.accounts, keyStore: { backend: 'memory', secure: true } }),
    'courier:transfers.list': () => ({ seq, items, overall }),
    'courier:jobs.list': () => ({ jobs: [], outbox: [], online: true }),
    'courier:templates.list': () => ({ templates: [], catalogAgeSeconds: null }),
    'courier:activity.list': () => ({ entries: [] }),
  };

  const sockets = [];
  class FakeSocket extends EventTarget {
    constructor() {
      super();
      this.readyState = 0;
      sockets.push(this);
      setTimeout(() => {
        this.readyState = 1;
        this.dispatchEvent(new Event('open'));
      }, 0);
    }
    send(text) {
      const frame = JSON.parse(text);
      const answer = answers[frame.ch];
      const result = answer ? { ok: true, value: answer(frame.input) } : { ok: true, value: { ok: true } };
      setTimeout(() => this.deliver({ t: 'res', id: frame.id, result }, frame.ch === 'courier:transfers.list'), 0);
    }
    deliver(frame, isList) {
      const data = JSON.stringify(frame);
      // The clock starts when the answer reaches the page (serializing it is the host's work).
      if (isList) marks.listSentAt = performance.now();
      this.dispatchEvent(new MessageEvent('message', { data }));
    }
    close() {}
  }
  FakeSocket.CONNECTING = 0;
  FakeSocket.OPEN = 1;
  FakeSocket.CLOSING = 2;
  FakeSocket.CLOSED = 3;
  window.WebSocket = FakeSocket;

  // The first paint with rows: two frames after they are in the DOM.
  const watch = () => {
    if (document.querySelector('[role="row"][data-index]')) {
      requestAnimationFrame(() => requestAnimationFrame(() => (marks.firstRowsAt = performance.now())));
      return;
    }
    requestAnimationFrame(watch);
  };
  requestAnimationFrame(watch);

  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      marks.longTasks++;
      marks.longest = Math.max(marks.longest, e.duration);
    }
  }).observe({ type: 'longtask', buffered: true });

  window.__fake = {
    marks,
    /** Delivers one event as the host would. */
    emit(name, payload) {
      for (const s of sockets) s.deliver({ t: 'evt', ch: 'courier:event.' + name, payload });
    },
    item(i) {
      return items[i];
    },
    /** Sends `n` progress events, one message per task as a busy socket would, and resolves when all are delivered. */
    burst(n) {
      marks.longest = 0;
      marks.longTasks = 0;
      const channel = new MessageChannel();
      let i = 0;
      return new Promise((resolve) => {
        channel.port1.onmessage = () => {
          for (let k = 0; k < 50 && i < n; k++, i++) {
            const it = items[i % items.length];
            const done = i >= n - items.length; // the last pass leaves every item done
            const next = {
              ...it,
              state: done ? 'done' : 'running',
              bytesDone: done ? it.size : Math.min(it.size, it.bytesDone + 65536),
              bytesPerSecond: done ? 0 : 8 << 20,
              etaSeconds: done ? 0 : 12,
            };
            items[i % items.length] = next;
            seq++;
            for (const s of sockets) s.deliver({ t: 'evt', ch: 'courier:event.transfersProgress', payload: { seq, items: [next], overall } });
          }
          marks.applied = i;
          if (i < n) channel.port2.postMessage(0);
          else resolve(i);
        };
        channel.port2.postMessage(0);
      });
    },
  };
};
