/**
 * The device id in MQTT topics (`<prefix>/<deviceId>/…`), which must differ between two units that share one board
 * config. Precedence: `deviceId` in the config (which may itself be `${VAR}`) > $BCASTD_DEVICE_ID > `deviceIdFrom`:
 *   - `board-name`: board.name made MQTT-safe (`Living Room STB #2` → `living-room-stb-2`); the sim board's default,
 *     so `sim` stays `sim`. Two boxes of one model collide: only for one-off boards and tests.
 *   - `machine-id`: the board name plus 12 hex of HMAC-SHA256(/etc/machine-id, "bcastd-device-id") — the default on
 *     real boards. Stable across restarts and re-flashes that keep /etc/machine-id (systemd-machine-id-setup
 *     writes it on first boot), known before anything is connected, and the machine id itself is never published
 *     (machine-id(5) asks for an application-specific hash like this one).
 * Not the IMEI: it is known only once the modem answers AT+CGSN, while the topics (and the LWT) are needed before
 * MQTT connects — i.e. before the modem — and a swapped modem module would silently make the box a new device.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';

export const DEVICE_ID_SOURCES = ['board-name', 'machine-id'] as const;
export type DeviceIdSource = (typeof DEVICE_ID_SOURCES)[number];

/** An MQTT topic level bcastd accepts as a device id. */
export const MQTT_ID = '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$';
const HASH_HEX = 12;
const LABEL = 'bcastd-device-id';

/** `Living Room STB #2` → `living-room-stb-2`: lower case, runs of anything else → `-`, at most `max`. */
export function deviceIdFrom(name: string, max = 64): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '-')
    .replace(/^[-_]+/, '')
    .slice(0, max)
    .replace(/-+$/, '');
}

/** `<board slug>-<12 hex of HMAC-SHA256(machine id, label)>`; null for a machine id that is not 32 hex. */
export function machineDeviceId(boardName: string, machineId: string): string | null {
  const id = machineId.trim().toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(id)) return null;
  const hash = createHmac('sha256', Buffer.from(id, 'hex')).update(LABEL).digest('hex').slice(0, HASH_HEX);
  const slug = deviceIdFrom(boardName, 64 - HASH_HEX - 1);
  return slug === '' ? hash : `${slug}-${hash}`;
}

/** /etc/machine-id (the D-Bus copy as a fallback); null when neither can be read. */
export function readMachineId(): string | null {
  for (const file of ['/etc/machine-id', '/var/lib/dbus/machine-id']) {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      // next
    }
  }
  return null;
}
