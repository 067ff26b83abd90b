// README.txt of a support bundle: what is inside, when, for which device, and what could not be collected.
import type { BundleCollection } from './collect.js';

const FILES: Array<[string, string]> = [
  ['README.txt', 'this file'],
  ['diagnostics.json', "the daemon's diagnostics answer: versions, uptime, runtime info, log levels, log ring statistics"],
  ['config.redacted.json', 'the board config, secrets redacted and identities masked (PIN and password files are never read)'],
  ['logs.txt', "the daemon's most recent log lines (JSON lines, masked), oldest first"],
  ['topics.json', 'the retained MQTT topics of the device (status, info, modem, card, gba, registration, keys, health …)'],
  ['counters.json', "the daemon's counters (what the health topic publishes)"],
  ['versions.json', 'bcastctl and bcastd versions, Node, platform, native addon'],
  ['runtime.json', "the daemon's runtime file on this machine (only when there is one)"],
];

export function readme(c: BundleCollection): string {
  const answered = c.diagnostics !== null;
  const lines = [
    'bcastd support bundle',
    '=====================',
    '',
    `Created:  ${c.createdAt.toISOString()} by bcastctl ${c.bcastctl.version ?? '(unknown version)'} (Node ${c.bcastctl.node}, ${c.bcastctl.platform}/${c.bcastctl.arch})`,
    `Device:   ${c.deviceId}${c.board ? ` (board ${c.board})` : ''}`,
    `Broker:   ${c.broker ?? '(none found)'}`,
    `Daemon:   ${answered ? 'answered the diagnostics command' : 'DID NOT ANSWER: this bundle holds only what bcastctl could read itself'}`,
    `Config:   ${c.config?.source ?? 'not available'}`,
    `Counters: ${c.counters?.source ?? 'not available'}`,
    '',
    'Files',
    '-----',
    ...FILES.map(([name, what]) => `  ${name.padEnd(22)}${what}`),
    '',
    'Privacy',
    '-------',
    '  Every file was masked before it was written: IMSIs, ICCIDs and B-TIDs keep a short prefix; hex runs of',
    '  32+ digits (keys), HTTP Digest credentials, passwords and PINs are hidden; secret-named config fields',
    '  read "[redacted]". Log levels changed at runtime are not persisted: a restart returns to the board config.',
  ];
  if (c.problems.length > 0) lines.push('', 'What could not be collected', '---------------------------', ...c.problems.map((p) => `  - ${p}`));
  return `${lines.join('\n')}\n`;
}
