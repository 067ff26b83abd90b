// `bcastctl decode sms|wsp|mikey <hex>… [--json] [--tpdu]`: prints a tree (or one JSON object); bad input
// exits 2 with one line on stderr naming what is wrong and where.
import type { Command } from 'commander';
import { CaptureError, decodeCapture, type CaptureKind } from './capture.js';
import { UsageError, type CliIo } from '../io.js';

const KINDS: readonly CaptureKind[] = ['sms', 'wsp', 'mikey'];

export function registerDecode(program: Command, io: CliIo): void {
  program
    .command('decode')
    .description('decode captured SMS PDUs, a WSP push or a MIKEY message (hex)')
    .argument('<kind>', `what the hex is: ${KINDS.join(' | ')}`)
    .argument('<hex...>', 'hex bytes; several SMS PDUs are reassembled')
    .option('--json', 'print one JSON object instead of a tree')
    .option('--tpdu', 'SMS hex has no SMSC prefix (a bare TPDU)')
    .action((kind: string, hexes: string[], opts: { json?: boolean; tpdu?: boolean }) => {
      if (!(KINDS as readonly string[]).includes(kind)) {
        throw new UsageError(`unknown kind '${kind}': expected one of ${KINDS.join(', ')}`);
      }
      try {
        const decoded = decodeCapture(kind as CaptureKind, hexes, { tpdu: opts.tpdu === true });
        if (opts.json) io.out(JSON.stringify(decoded.json, null, 2));
        else for (const line of decoded.lines) io.out(line);
      } catch (e) {
        if (e instanceof CaptureError) throw new UsageError(`cannot decode ${kind}: ${e.message}`);
        throw e;
      }
    });
}
