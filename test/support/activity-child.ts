// A process appending to an activity log, for the test of rotation by two processes at once.
// Each stdin line "FILE COUNT NAME" opens a new ActivityLog on FILE (counting it, as at start)
// and appends COUNT entries "NAME i" as fast as it can, then prints "done".
import { createInterface } from 'node:readline';
import { ActivityLog } from '../../main/core/activity/log';

createInterface({ input: process.stdin }).on('line', (line) => {
  const [file, count, name] = line.split(' ') as [string, string, string];
  const log = new ActivityLog(file);
  for (let i = 0; i < Number(count); i++) log.info('app', `${name} ${i}`);
  process.stdout.write('done\n');
});
process.stdout.write('ready\n');
