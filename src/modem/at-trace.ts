/**
 * How AT traffic appears in the trace log: commands with their secrets masked (PINs, PUKs, facility
 * passwords never reach a log), received lines as received.
 */

/** Commands whose parameters are secrets: AT+CPIN="1234", AT+CPIN="PUK","PIN", AT+CPWD, AT+CLCK=…,pw. */
const SECRET_COMMANDS = /^(AT\s*(?:\+CPIN|\+CPWD|\+CLCK|\^CPIN)\s*=)(.*)$/i;

export function maskCommand(command: string): string {
  const m = SECRET_COMMANDS.exec(command);
  return m ? `${m[1]}***` : command;
}
