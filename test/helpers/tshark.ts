// Runs Wireshark's dissectors over bytes we produced, as an independent decoder to cross-check against.
// text2pcap wraps each packet as an "exported PDU" for the named dissector; tshark prints PDML, which
// keeps repeated fields (JSON output drops duplicate keys).
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { XMLParser } from 'fast-xml-parser';

const run = promisify(execFile);

export interface TsharkField {
  name: string;
  show: string;
  value: string;
}

/** Hex dump in the layout text2pcap reads: offset, then bytes; each packet restarts at offset 0. */
function hexDump(packets: Uint8Array[]): string {
  const lines: string[] = [];
  for (const p of packets) {
    for (let i = 0; i < p.length; i += 16) {
      const chunk = Array.from(p.subarray(i, i + 16), (b) => b.toString(16).padStart(2, '0')).join(' ');
      lines.push(`${i.toString(16).padStart(6, '0')} ${chunk}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

function collectFields(node: unknown, out: TsharkField[]): void {
  if (Array.isArray(node)) {
    for (const n of node) collectFields(n, out);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const rec = node as Record<string, unknown>;
  if (typeof rec['@_name'] === 'string' && rec['@_name'] !== '') {
    out.push({
      name: rec['@_name'],
      show: String(rec['@_show'] ?? ''),
      value: String(rec['@_value'] ?? ''),
    });
  }
  for (const key of ['proto', 'field']) if (key in rec) collectFields(rec[key], out);
}

/** Dissects each packet with `dissector` (e.g. 'mikey', 'gsm_sms'); returns every field per packet, in order. */
export async function tsharkDissect(dissector: string, packets: Uint8Array[]): Promise<TsharkField[][]> {
  const dir = await mkdtemp(join(tmpdir(), 'bcastd-tshark-'));
  try {
    const txt = join(dir, 'in.txt');
    const pcap = join(dir, 'in.pcap');
    await writeFile(txt, hexDump(packets));
    await run('text2pcap', ['-q', '-P', dissector, txt, pcap], { timeout: 20_000 });
    const { stdout } = await run('tshark', ['-r', pcap, '-T', 'pdml'], {
      timeout: 60_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    const parser = new XMLParser({ ignoreAttributes: false, isArray: (name) => name === 'packet' || name === 'proto' || name === 'field' });
    const doc = parser.parse(stdout) as { pdml?: { packet?: unknown[] } };
    const pkts = doc.pdml?.packet ?? [];
    return pkts.map((p) => {
      const fields: TsharkField[] = [];
      collectFields(p, fields);
      return fields;
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function fieldShows(fields: TsharkField[], name: string): string[] {
  return fields.filter((f) => f.name === name).map((f) => f.show);
}

export function fieldShow(fields: TsharkField[], name: string): string | undefined {
  return fields.find((f) => f.name === name)?.show;
}
