/**
 * Names of AT command lines as the modem layer keys them (timeouts, slow/silent faults, logs):
 * `AT+CGACT=1,1` → `+CGACT`, `AT$QCRMCALL=1,1` → `$QCRMCALL`, `ATE0` → `E`, `ATD123;` → `D`,
 * `AT` → `AT`. The same spelling the board config uses for `modem.timeouts.perCommand`.
 */

const EXTENDED = /^AT([+$^%#*!&][A-Z][A-Z0-9_]*)/i;
const BASIC = /^AT([A-Z])/i;

export function commandName(line: string): string {
  const text = line.trim();
  const ext = EXTENDED.exec(text);
  if (ext) return ext[1]!.toUpperCase();
  const basic = BASIC.exec(text);
  if (basic) return basic[1]!.toUpperCase();
  return 'AT';
}

/**
 * The prefix of the command's information response (`+CEREG` for `AT+CEREG?`), which is what an
 * ambiguous URC-or-answer line must carry to belong to the command; null for basic commands.
 */
export function responsePrefix(line: string): string | null {
  const name = commandName(line);
  return /^[+$^%#*!&]/.test(name) ? name : null;
}
