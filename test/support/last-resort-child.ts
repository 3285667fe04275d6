// A process with the last-resort policy installed on the real `process`, as `courier web` has it.
// argv[2] says what goes wrong; each kept-serving step prints a line, so the parent can tell how far it got.
import { installLastResort } from '../../main/core/last-resort';

installLastResort({
  log: (level, message) => console.log(`${level}: ${message}`),
  exit: (code) => process.exit(code),
});

const step = (name: string, fn: () => void) =>
  new Promise<void>((resolve) =>
    setTimeout(() => {
      fn();
      setTimeout(() => {
        console.log(`alive after ${name}`);
        resolve();
      }, 20);
    }, 0),
  );

await step('a connection error thrown', () => {
  setImmediate(() => {
    throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
  });
});
await step('a rejection nobody handles', () => void Promise.reject(new Error('lost promise')));
if (process.argv[2] === 'fatal') {
  setImmediate(() => {
    throw new TypeError('state is broken');
  });
  await new Promise((r) => setTimeout(r, 5000));
  console.log('still running after a fatal error');
}
