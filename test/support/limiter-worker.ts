// Child process for the cross-process limiter test: N concurrent callers share one limiter
// (as parts of one app do) and print the epoch ms of every slot they were given.
import { SharedRateLimiter } from '../../main/core/rescale/rate-limiter';

const [dir, partition, rate, burst, callers, perCaller, startAt] = process.argv.slice(2);
const limiter = new SharedRateLimiter(dir!, partition!, {
  user: { ratePerSecond: Number(rate), burst: Number(burst) },
  'job-submission': { ratePerSecond: 1, burst: 1 },
  'jobs-usage': { ratePerSecond: 1, burst: 1 },
});
const wait = Number(startAt) - Date.now();
if (wait > 0) await new Promise((r) => setTimeout(r, wait));
const stamps: number[] = [];
await Promise.all(
  Array.from({ length: Number(callers) }, async () => {
    for (let i = 0; i < Number(perCaller); i++) {
      await limiter.acquire('user');
      stamps.push(Date.now());
    }
  }),
);
process.stdout.write(JSON.stringify(stamps));
