/**
 * Preloaded into a spawned bcastd (`NODE_OPTIONS=--import <this file>`; node refuses --cpu-prof in NODE_OPTIONS)
 * to profile it: starts the V8 CPU profiler at load and writes `<BENCH_CPU_PROF_DIR>/bcastd-<pid>.cpuprofile`
 * at exit. A session on the main thread answers synchronously, so the exit handler can stop and write.
 */
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env['BENCH_CPU_PROF_DIR'];
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.enable');
  session.post('Profiler.start');
  process.on('exit', () => {
    session.post('Profiler.stop', (err, res) => {
      if (!err) writeFileSync(join(dir, `bcastd-${process.pid}.cpuprofile`), JSON.stringify(res.profile));
    });
  });
}
