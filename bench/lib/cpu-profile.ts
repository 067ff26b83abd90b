/**
 * Where a process's CPU time went, from a V8 `.cpuprofile` (node --cpu-prof): self time per sample summed by
 * area of the code (the daemon's own modules by folder, the simulated world it hosts, dependencies, Node
 * internals charged to their caller, GC), optionally only over the last `windowMs` of the profile (the load phase before exit).
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** The area a frame's code belongs to. */
export function areaOf(url: string, fn: string): string {
  if (url === '') return fn.startsWith('(') ? fn : '(native)';
  if (url.startsWith('node:')) return 'node-internals';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return `dep:${nm[1]}`;
  const src = /\/dist\/src\/([^/]+)\//.exec(url);
  if (src) return src[1] === 'sim' ? 'sim-world (src/sim)' : `bcastd:src/${src[1]}`;
  if (url.includes('/dist/src/')) return 'bcastd:src';
  // The board build: our modules and the bundled dependencies share chunks, so only the build is known.
  if (url.includes('/dist-bundle/')) return 'bcastd:dist-bundle';
  return 'other';
}

/**
 * Each sample of the profile's last `windowMs` (all of it without one) with the time it stands for: until the
 * next sample. The profile is read once per call.
 */
function* samplesInWindow(file: string, windowMs?: number): Generator<{ node: ProfileNode; ms: number; byId: Map<number, ProfileNode> }> {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const from = windowMs === undefined ? -Infinity : p.endTime - windowMs * 1000;
  let t = p.startTime;
  for (let i = 0; i < p.samples.length; i++) {
    const delta = p.timeDeltas[i] ?? 0;
    t += delta;
    if (t < from) continue;
    const node = byId.get(p.samples[i]!);
    if (node) yield { node, ms: (p.timeDeltas[i + 1] ?? delta) / 1000, byId };
  }
}

/** Self time by function (name, file:line), over the whole profile or its last `windowMs`: the hottest first. */
export function cpuByFunction(file: string, windowMs?: number, top = 25): Array<{ fn: string; ms: number }> {
  const totals = new Map<string, number>();
  for (const { node, ms } of samplesInWindow(file, windowMs)) {
    if (node.callFrame.functionName === '(idle)') continue;
    const f = node.callFrame as ProfileNode['callFrame'] & { lineNumber?: number };
    const where = f.url === '' ? '' : ` ${f.url.replace(/^.*\/(node_modules|dist|dist-bundle)\//, '$1/')}:${(f.lineNumber ?? -1) + 1}`;
    const key = `${f.functionName || '(anonymous)'}${where}`;
    totals.set(key, (totals.get(key) ?? 0) + ms);
  }
  return [...totals.entries()].map(([fn, ms]) => ({ fn, ms })).sort((a, b) => b.ms - a.ms).slice(0, top);
}

export interface AreaTime {
  area: string;
  ms: number;
  share: number;
}

/** Self time by area over the whole profile, or its last `windowMs`; `(idle)` excluded from the shares. */
export function cpuByArea(file: string, windowMs?: number): { busyMs: number; areas: AreaTime[] } {
  const totals = new Map<string, number>();
  let parent: Map<number, number> | undefined;
  for (const { node, ms, byId } of samplesInWindow(file, windowMs)) {
    if (parent === undefined) {
      parent = new Map<number, number>();
      for (const n of byId.values()) for (const c of n.children ?? []) parent.set(c, n.id);
    }
    const area = chargedArea(node, byId, parent);
    if (area === '(idle)') continue;
    totals.set(area, (totals.get(area) ?? 0) + ms);
  }
  const busyMs = [...totals.values()].reduce((a, b) => a + b, 0);
  const areas = [...totals.entries()].map(([area, ms]) => ({ area, ms, share: busyMs ? ms / busyMs : 0 })).sort((a, b) => b.ms - a.ms);
  return { busyMs, areas };
}

/**
 * Time in Node internals or native code is charged to the nearest caller of ours or of a dependency (a Buffer
 * copy inside the codec counts as codec time), keeping the "(…)" pseudo-frames (GC, idle) apart.
 */
function chargedArea(self: ProfileNode, byId: Map<number, ProfileNode>, parent: Map<number, number>): string {
  const own = areaOf(self.callFrame.url, self.callFrame.functionName);
  if (own !== 'node-internals' && own !== '(native)') return own;
  for (let up = parent.get(self.id); up !== undefined; up = parent.get(up)) {
    const n = byId.get(up)!;
    const a = areaOf(n.callFrame.url, n.callFrame.functionName);
    if (a !== 'node-internals' && a !== '(native)' && !a.startsWith('(')) return a;
  }
  return own;
}
