// Preloaded (node --import) into `courier web` by web-command-hostile.test.ts. On SIGUSR2 it
// causes the two failures no handler catches, as a bug somewhere in the process would: a
// rejection nobody awaits and a connection error thrown from a callback. Only the process's
// last-resort policy stands between them and the end of the process.
process.on('SIGUSR2', () => {
  void Promise.reject(new Error('injected lost promise'));
  setImmediate(() => {
    throw Object.assign(new Error('injected read ECONNRESET'), { code: 'ECONNRESET' });
  });
});
