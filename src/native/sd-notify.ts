// systemd readiness/watchdog notifications (sd_notify(3) protocol): one unix datagram per message,
// sent by the addon because Node's dgram has no AF_UNIX. Message formatting (READY=1, STATUS=…,
// WATCHDOG=1) belongs to the caller.
import { native } from './binding.js';

/**
 * Send `message` to `socketPath` (default $NOTIFY_SOCKET; '@name' = abstract socket).
 * Returns false when no socket is configured, true when sent; throws a system error (err.code) otherwise.
 */
export function sdNotify(message: string, socketPath: string | undefined = process.env['NOTIFY_SOCKET']): boolean {
  return native('sdNotify')(message, socketPath === undefined || socketPath === '' ? undefined : socketPath);
}
