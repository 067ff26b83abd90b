// Pixel comparison of a decoded frame with the unencrypted test pattern, both turned into raw RGB by GStreamer
// itself (pngdec for the player's snapshot, videotestsrc for the reference): no hash of our own output.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Rgb {
  width: number;
  height: number;
  data: Buffer;
}

async function toRgb(pipeline: string[], out: string, width: number, height: number): Promise<Rgb> {
  await run('gst-launch-1.0', ['-q', ...pipeline, '!', 'videoconvert', '!', `video/x-raw,format=RGB,width=${width},height=${height}`, '!', 'filesink', `location=${out}`], { timeout: 20_000 });
  const data = readFileSync(out);
  if (data.length !== width * height * 3) throw new Error(`${out}: ${data.length} bytes, expected ${width * height * 3}`);
  return { width, height, data };
}

/** One frame of videotestsrc `pattern` (the broadcast's source, without its clock overlay). */
export function renderPattern(dir: string, pattern: string, width: number, height: number): Promise<Rgb> {
  return toRgb(['videotestsrc', 'num-buffers=1', `pattern=${pattern}`, '!', `video/x-raw,width=${width},height=${height}`], join(dir, `ref-${pattern}.rgb`), width, height);
}

export function decodePng(dir: string, png: string, width: number, height: number): Promise<Rgb> {
  return toRgb(['filesrc', `location=${png}`, '!', 'pngdec'], join(dir, 'snapshot.rgb'), width, height);
}

export interface Diff {
  /** Mean absolute difference per channel over the compared pixels (0–255). */
  mean: number;
  /** Share of compared pixels whose largest channel difference exceeds `pixelTolerance`. */
  badShare: number;
  compared: number;
}

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Compares a and b outside `masks` (the parts that change from frame to frame: clock overlay, noise). */
export function diffFrames(a: Rgb, b: Rgb, masks: Rect[], pixelTolerance: number): Diff {
  let sum = 0;
  let bad = 0;
  let compared = 0;
  for (let y = 0; y < a.height; y++) {
    for (let x = 0; x < a.width; x++) {
      if (masks.some((m) => x >= m.x && x < m.x + m.w && y >= m.y && y < m.y + m.h)) continue;
      const i = (y * a.width + x) * 3;
      let worst = 0;
      for (let c = 0; c < 3; c++) {
        const d = Math.abs(a.data[i + c]! - b.data[i + c]!);
        sum += d;
        worst = Math.max(worst, d);
      }
      if (worst > pixelTolerance) bad++;
      compared++;
    }
  }
  return { mean: sum / (compared * 3), badShare: bad / compared, compared };
}
