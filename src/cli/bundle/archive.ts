/**
 * The bundle on disk: one tar.gz holding a folder of text files. Every file is masked once more on the way in
 * (defence in depth: the daemon masked its log lines and config already), JSON value by value so it stays JSON.
 */
import { mkdtemp, mkdir, rm, stat, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { create } from 'tar';
import { maskText, maskValue } from '../../daemon/diagnostics/masker.js';
import type { BundleCollection } from './collect.js';
import { readme } from './readme.js';

export interface BundleFile {
  name: string;
  content: string;
}

export interface WrittenBundle {
  path: string;
  bytes: number;
  /** Paths inside the archive with their sizes. */
  files: Array<{ name: string; bytes: number }>;
}

/** `20250102T030405Z`: sortable, no characters a file system or a mail client dislikes. */
export function utcStamp(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '');
}

export function bundleBaseName(deviceId: string, at: Date): string {
  return `bcastd-bundle-${deviceId.replace(/[^A-Za-z0-9_-]/g, '-')}-${utcStamp(at)}`;
}

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

/** The files of a bundle, in README order, before the final masking pass. */
export function bundleFiles(c: BundleCollection): BundleFile[] {
  const d = c.diagnostics;
  // diagnostics.json: the answer without what has a file of its own.
  const diagnostics = d
    ? { ...d, configJson: undefined, config: 'see config.redacted.json', logs: { ...(d['logs'] as object), lines: 'see logs.txt' } }
    : { answered: false, problems: c.problems };
  const logs = c.logs
    ? c.logs.join('\n') + (c.logs.length ? '\n' : '')
    : `# no log lines: the daemon did not answer (${c.problems.join('; ') || 'unknown reason'})\n`;
  const files: BundleFile[] = [
    { name: 'README.txt', content: readme(c) },
    { name: 'diagnostics.json', content: json(diagnostics) },
    { name: 'config.redacted.json', content: json(c.config ?? { source: 'none', config: null }) },
    { name: 'logs.txt', content: logs },
    { name: 'topics.json', content: json({ device: c.deviceId, topics: c.topics }) },
    { name: 'counters.json', content: json(c.counters ?? { source: 'none', value: null }) },
    { name: 'versions.json', content: json({ bcastctl: c.bcastctl, daemon: (d?.['version'] as unknown) ?? (c.topics['info'] as Record<string, unknown> | undefined)?.['version'] ?? null }) },
  ];
  if (c.runtime !== null) files.push({ name: 'runtime.json', content: json(c.runtime) });
  return files;
}

/** The final pass: JSON files value by value (still valid JSON), text files line by line. */
export function maskFile(f: BundleFile): BundleFile {
  if (f.name.endsWith('.json')) return { name: f.name, content: json(maskValue(JSON.parse(f.content) as unknown)) };
  return { name: f.name, content: maskText(f.content) };
}

/** Writes `<outFile>` (mode 0600): a tar.gz of `<base>/<file>` for every file, each masked again. */
export async function writeBundle(c: BundleCollection, outFile?: string, cwd = process.cwd()): Promise<WrittenBundle> {
  const base = bundleBaseName(c.deviceId, c.createdAt);
  const path = resolve(cwd, outFile ?? `${base}.tar.gz`);
  const staging = await mkdtemp(join(tmpdir(), 'bcastd-bundle-'));
  try {
    await mkdir(join(staging, base), { mode: 0o700 });
    const files = bundleFiles(c).map(maskFile);
    for (const f of files) await writeFile(join(staging, base, f.name), f.content, { mode: 0o600 });
    const names = files.map((f) => `${base}/${f.name}`);
    // Created 0600 before tar writes into it: the bundle is for the bug report, not for every local user.
    await writeFile(path, '', { mode: 0o600 });
    await chmod(path, 0o600);
    await create({ gzip: true, file: path, cwd: staging, portable: true }, names);
    return { path, bytes: (await stat(path)).size, files: files.map((f) => ({ name: `${base}/${f.name}`, bytes: Buffer.byteLength(f.content) })) };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
