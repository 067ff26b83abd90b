/**
 * The board config, defined once: this TypeBox schema is what ajv validates against, what
 * `board-configs/schema.json` is generated from (scripts/gen-schema.mjs), and — through `Static` —
 * the TypeScript type the daemon gets. Every field carries a description; defaults live here only.
 */
import { Type, type Static, type TOptional } from '@sinclair/typebox';
import { MODEM_PROFILES, PDP_TYPES, SMS_MODES, type ModemSettings } from '../../modem/options.js';
import type { MqttSettings } from '../../mqtt/options.js';
import { DEVICE_ID_SOURCES, MQTT_ID } from './device-id.js';
import { AbsPath, Defaulted, Derived, EXPECTED, Millis, Pattern, Port, Section, Strict, StringEnum } from './schema-kit.js';

export { MODEM_PROFILES };
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** Components with their own child logger (one per layer folder); a level may be set for each. */
export const LOG_COMPONENTS = ['daemon', 'terminal', 'modem', 'card', 'gba', 'bsm', 'mqtt', 'store', 'sim'] as const;

/** MQTT topic level: no wildcards, no separators, nothing a broker or a shell would trip over. */
const HOSTNAME = '^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$';
/** An AT command name as the modem layer keys its timeouts: `+COPS`, `$QCRMCALL`, `^SYSCFG`, `D`, without `AT`. */
const AT_COMMAND = '^[+$^%#&*]?[A-Z][A-Z0-9_]*$';

const level = (description: string) => StringEnum(LOG_LEVELS, { description });

const Board = Strict(
  {
    name: Type.String({ minLength: 1, maxLength: 64, description: 'Human-readable board name; the default deviceId is derived from it.' }),
    description: Type.Optional(Type.String({ description: 'Free text: hardware, wiring, where the board is deployed.' })),
  },
  { description: 'What this board is.' },
);

const Gpio = Strict(
  {
    chip: Type.String({ minLength: 1, description: 'GPIO character device of the lines below, e.g. /dev/gpiochip0 or gpiochip0.' }),
    resetLine: Type.Optional(Type.Integer({ minimum: 0, description: "Line offset wired to the modem's RESET input; pulsed to recover a hung modem." })),
    powerLine: Type.Optional(Type.Integer({ minimum: 0, description: "Line offset wired to the modem's power key / supply enable." })),
    activeLow: Defaulted(Type.Boolean({ description: 'True when the lines are active low (asserted = driven to 0).' }), false),
  },
  { description: 'GPIO lines controlling the modem (absent: the modem is never power-cycled or reset by line).' },
);

const Timeouts = Strict(
  {
    default: Type.Optional(Millis({ minimum: 1, description: 'Timeout in ms for an AT command without its own entry (absent: the modem profile default).' })),
    perCommand: Type.Optional(
      Type.Record(Type.String({ pattern: AT_COMMAND }), Millis({ minimum: 1, description: 'Timeout in ms for this command.' }), {
        additionalProperties: false,
        description: 'Timeout in ms per AT command name without the AT prefix, e.g. "+COPS": 180000, "+CGACT": 150000. Overrides the modem profile.',
        [EXPECTED]: 'keyed by AT command names like "+COPS" or "$QCRMCALL"',
      }),
    ),
  },
  { description: 'AT command timeouts overriding the modem profile.' },
);

const Modem = Strict(
  {
    profile: Defaulted(
      StringEnum(MODEM_PROFILES, { description: 'Modem profile: vendor-specific AT dialect, data bring-up and timeouts. "sim" is the simulated modem on a pseudo-terminal.' }),
      'generic',
    ),
    port: Type.Optional(AbsPath({ description: 'AT command serial port; prefer the stable /dev/serial/by-id/… name. Not used by the "sim" profile (its pty is created at start).' })),
    baudRate: Defaulted(Type.Integer({ minimum: 300, maximum: 4000000, description: 'Serial line speed (ignored by USB CDC-ACM ports, needed on real UARTs).' }), 115200),
    urcPort: Type.Optional(AbsPath({ description: 'Second serial port carrying unsolicited result codes, when the modem sends them there instead of the AT port.' })),
    smsMode: Defaulted(
      StringEnum(SMS_MODES, { description: 'SMS delivery: "cmt" routes PDUs directly (+CMT, AT+CNMI=2,2), "cmti" stores and reports an index (+CMTI, AT+CNMI=2,1), "auto" tries cmt and falls back to cmti.' }),
      'auto',
    ),
    apn: Defaulted(Type.String({ maxLength: 100, description: 'APN of the PDP context used for GBA and the BSM; empty: the network default APN.' }), ''),
    pdpType: Defaulted(StringEnum(PDP_TYPES, { description: 'PDP type for AT+CGDCONT.' }), 'IP'),
    cid: Defaulted(Type.Integer({ minimum: 1, maximum: 24, description: 'PDP context identifier (AT+CGDCONT=<cid>).' }), 1),
    gpio: Type.Optional(Gpio),
    timeouts: Type.Optional(Timeouts),
  },
  {
    description: 'The cellular modem: AT port, SMS routing, PDP context.',
    // A real modem needs its port; only the simulated one makes its own.
    if: { properties: { profile: { const: 'sim' } }, required: ['profile'] },
    else: { required: ['port'], [EXPECTED]: 'a serial port path for every modem profile except "sim"' },
  },
);

const Card = Section(
  {
    transport: Defaulted(
      StringEnum(['pcsc', 'in-process', 'auto'] as const, { description: 'How to reach the USIM: "pcsc" through pcscd, "in-process" the virtual USIM inside the daemon (sim only), "auto" pcsc when pcscd answers, else in-process on the sim board.' }),
      'auto',
    ),
    readerPattern: Defaulted(
      Type.String({ format: 'regex', description: 'JavaScript regular expression (no flags) matched against PC/SC reader names; the first matching reader with a card is used. The default matches any reader, the virtual one ("Virtual PCD 00 00") included.', [EXPECTED]: 'a valid regular expression' }),
      '.',
    ),
    pinFile: Type.Optional(AbsPath({ description: 'File holding the USIM PIN (mode 0600; e.g. a systemd credential). Absent: the card is expected to be unlocked.' })),
    gbaMode: Defaulted(
      StringEnum(['auto', 'gba-u', 'gba-me'] as const, { description: 'GBA flavour: "gba-u" keys stay on the USIM, "gba-me" keys are derived in the terminal, "auto" GBA_U when the USIM supports it, else GBA_ME.' }),
      'auto',
    ),
  },
  { description: 'The USIM and the smartcard reader it sits in.' },
);

const Retry = Section(
  {
    baseMs: Defaulted(Millis({ minimum: 1, description: 'First retry delay in ms; doubled after each failure (with jitter).' }), 2000),
    maxMs: Defaulted(Millis({ minimum: 1, description: 'Upper bound of the retry delay in ms.' }), 300000),
    maxAttempts: Defaulted(Type.Integer({ minimum: 0, description: 'Attempts before giving up and reporting the failure; 0 keeps retrying (the terminal must recover after coverage loss).' }), 0),
  },
  { description: 'Backoff for GBA bootstrapping and BSM requests.' },
);

const Network = Strict(
  {
    bsmFqdn: Pattern(HOSTNAME, 'a host name (FQDN)', { description: "FQDN of the operator's BSM; part of the NAF ID that every GBA key derivation uses, so it must match the BSM exactly." }),
    bsfHost: Type.Optional(Pattern(HOSTNAME, 'a host name (FQDN)', { description: 'BSF host; absent: bsf.mnc<MNC>.mcc<MCC>.pub.3gppnetwork.org from the IMSI (TS 23.003).' })),
    bsmUrl: Type.Optional(Type.String({ format: 'uri', pattern: '^https?://', description: 'Base URL of the BSM, overriding the one built from bsmFqdn (simulator, lab). On the sim board it defaults to the simulated BSM.', [EXPECTED]: 'an http:// or https:// URL' })),
    bsfUrl: Type.Optional(Type.String({ format: 'uri', pattern: '^https?://', description: 'Base URL of the BSF, overriding the one built from bsfHost (simulator, lab). On the sim board it defaults to the simulated BSF.', [EXPECTED]: 'an http:// or https:// URL' })),
    bindToPdpAddress: Defaulted(Type.Boolean({ description: 'Bind BSF/BSM HTTP sockets to the PDP context address so the traffic leaves over the cellular bearer.' }), true),
    // SPEC §4: UDP 4359 (IANA omabcastltkm) is [U] — the number comes from a secondary source.
    ltkmPort: Defaulted(Port({ description: 'UDP port the LTKM push listener binds ([U] 4359, IANA "omabcastltkm"); 0 picks a free port.' }), 4359),
    ltkmBind: Defaulted(
      Type.Union(
        [
          StringEnum(['pdp', 'loopback'] as const, { description: '"pdp": the PDP context address, "loopback": 127.0.0.1.' }),
          Type.String({ format: 'ipv4', description: 'An IPv4 address.' }),
          Type.String({ format: 'ipv6', description: 'An IPv6 address.' }),
        ],
        { description: 'Address the LTKM UDP listener binds: "pdp", "loopback" or an IP address.', [EXPECTED]: '"pdp", "loopback" or an IP address' },
      ),
      'pdp',
    ),
    ltkmSources: Defaulted(
      Type.Array(Pattern('^([0-9]{1,3}(\\.[0-9]{1,3}){3}(/([0-9]|[12][0-9]|3[0-2]))?|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(/([0-9]|[1-9][0-9]|1[01][0-9]|12[0-8]))?)$', 'an IPv4 or IPv6 address or CIDR', {}), { maxItems: 64, description: 'Sources LTKM datagrams may come from (the BSM), as addresses or CIDRs; others are dropped before any decoding, counted and logged once per source per minute. Empty: any source (a warning at start).' }),
      [],
    ),
    httpTimeoutMs: Defaulted(Millis({ minimum: 1, description: 'Timeout in ms of one HTTP request to the BSF or BSM.' }), 30000),
    retry: Retry,
  },
  { description: 'Where the BSF and BSM are and how to reach them.' },
);

const MqttTls = Strict(
  {
    ca: Type.Optional(AbsPath({ description: 'CA certificate file (PEM) the broker certificate must chain to.' })),
    cert: Type.Optional(AbsPath({ description: 'Client certificate file (PEM) for mutual TLS.' })),
    key: Type.Optional(AbsPath({ description: 'Client private key file (PEM) for mutual TLS.' })),
    rejectUnauthorized: Defaulted(Type.Boolean({ description: 'Refuse brokers whose certificate does not verify. Turn off only in a lab.' }), true),
    servername: Type.Optional(Type.String({ minLength: 1, description: 'Name to verify the broker certificate against (and SNI) instead of the URL host.' })),
  },
  { description: 'TLS settings for mqtts:// and wss:// brokers.' },
);

const Mqtt = Section(
  {
    // No user:password@ in the URL (it would show up wherever the URL does): the login is username + passwordFile.
    url: Type.Optional(Type.String({ format: 'uri', pattern: '^(mqtt|mqtts|ws|wss|mqtt\\+unix)://[^@/]*(/|$)', description: 'Broker URL, without a login in it (use username and passwordFile). mqtt+unix:///path reaches a unix-socket listener. Absent: the sim board starts a local broker; other boards use mqtt://127.0.0.1:1883 (the board\'s mosquitto).', [EXPECTED]: 'an mqtt://, mqtts://, ws://, wss:// or mqtt+unix:// URL without user:password@' })),
    clientId: Derived(Type.String({ minLength: 1, maxLength: 128, description: 'MQTT client id; absent: "bcastd-<deviceId>".' })),
    username: Type.Optional(Type.String({ description: 'Broker user name.' })),
    passwordFile: Type.Optional(AbsPath({ description: 'File holding the broker password (kept out of the config; e.g. a systemd credential).' })),
    testerCredentials: Type.Optional(AbsPath({ description: 'JSON file {"username","password"} of the broker\'s tester account (written by packaging/mosquitto/bcastd-mqtt-accounts); logged at start so that bcastctl finds it. The sim board\'s local broker makes its own.' })),
    tls: Type.Optional(MqttTls),
    topicPrefix: Defaulted(Pattern('^[^/#+\\u0000]+(/[^/#+\\u0000]+)*$', 'a topic prefix without wildcards or leading/trailing "/"', { description: 'Topic prefix; topics are <topicPrefix>/<deviceId>/….' }), 'bcastd/v1'),
    healthIntervalMs: Defaulted(Millis({ minimum: 1000, description: 'Period in ms of the health topic.' }), 60000),
    protocolVersion: Defaulted(Type.Unsafe<4 | 5>({ type: 'integer', enum: [4, 5], description: 'MQTT protocol version: 4 (3.1.1) or 5. Commands use MQTT 5 response topics, or cmd/<name>/response on 3.1.1.' }), 5),
  },
  { description: 'The MQTT broker the daemon reports to and takes commands from.' },
);

const PlayerExchange = Section(
  {
    enabled: Defaulted(Type.Boolean({ description: 'Let the local media player hand in STKMs and get TEKs back over MQTT. Off by default: TEKs leave the daemon only through this.' }), false),
    allowRemoteBroker: Defaulted(Type.Boolean({ description: 'Allow the exchange when the broker is not on loopback (TEKs would then cross the network to the broker).' }), false),
  },
  { description: 'The opt-in STKM → TEK exchange with the local media player.' },
);

const Terminal = Section(
  {
    services: Defaulted(
      Type.Array(
        Strict(
          {
            globalPurchaseItemId: Type.String({ minLength: 1, pattern: '^\\S+$', description: 'GlobalPurchaseItemID of the purchased item (Service Guide Purchase Item fragment).', [EXPECTED]: 'a non-empty id without spaces' }),
            purchaseDataReference: Type.String({ minLength: 1, pattern: '^\\S+$', description: 'PurchaseDataReference of the purchase (Service Guide Purchase Data fragment).', [EXPECTED]: 'a non-empty reference without spaces' }),
          },
          { description: 'One purchased item; its MBMS User Service ID is GlobalPurchaseItemID || PurchaseDataReference (CR 5.1.6.7: the two strings concatenated, no separator).' },
        ),
        {
          uniqueItems: true,
          description: 'The services to register for at power-up, on regained coverage, on a trigger message and at B-TID renewal, as GlobalPurchaseItemID || PurchaseDataReference pairs. Empty (the default): register for "urn:allServices". A Key Group 0 solicited pull always registers for exactly "urn:allServices" and leaves this list in force.',
        },
      ),
      [],
    ),
    keyDomainId: Type.Optional(Pattern('^[0-9A-Fa-f]{6}$', '6 hex digits (3 bytes)', { description: 'Key Domain ID, 3 bytes in hex; absent: MCC||MNC of the USIM home network.' })),
    triggerRateLimit: Section(
      {
        perMinute: Defaulted(Type.Integer({ minimum: 1, description: 'BSM requests (registrations, MSK requests) started per minute at most; triggers beyond it wait, coalesced into one pending request.' }), 6),
        burst: Defaulted(Type.Integer({ minimum: 1, description: 'Requests allowed back to back before the per-minute rate applies.' }), 3),
        minIntervalMs: Defaulted(Millis({ minimum: 0, description: 'Least time between the starts of two BSM requests; triggers inside it are coalesced into the next one.' }), 2000),
        settleMs: Defaulted(Millis({ minimum: 0, description: 'A request that had to wait starts only once no trigger has joined it for this long (at most 10x this), so a burst of solicited pulls costs one request.' }), 1000),
      },
      { description: 'Flood protection for registration triggers (e.g. a looping SMS): at most one request in flight and one pending, started no faster than this.' },
    ),
    playerExchange: PlayerExchange,
  },
  { description: 'Registration and key-management policy.' },
);

const Log = Section(
  {
    level: Defaulted(level('Log level of every component without its own entry.'), 'info'),
    pretty: Defaulted(Type.Boolean({ description: 'Human-readable lines for a terminal instead of JSON lines (journald, log shippers).' }), false),
    components: Type.Optional(
      Strict(Object.fromEntries(LOG_COMPONENTS.map((c) => [c, Type.Optional(level(`Log level of the ${c} component.`))])) as Record<(typeof LOG_COMPONENTS)[number], TOptional<ReturnType<typeof level>>>, {
        description: 'Per-component log levels, e.g. modem: trace to see the raw AT traffic.',
      }),
    ),
  },
  { description: 'Logging.' },
);

export const SimSchema = Strict(
  {
    card: Defaulted(
      StringEnum(['virtual', 'external'] as const, {
        description: 'The USIM of the simulated world: "virtual" (its own virtual USIM) or "external" (bring your own card: whatever USIM sits in the reader card.readerPattern matches, a real one or another virtual card on vpcd; the world starts no card of its own, and its BSF/BSM take that card\'s IMSI, K and OPc from subscriberFile, which is then required).',
      }),
      'virtual',
    ),
    subscriberFile: Type.Optional(AbsPath({ description: 'JSON file with the subscriber {imsi, k, opc (or op), sqn?, amf?, mncLength?, iccid?, pin?} (hex strings), readable by its owner only (mode 0600: it holds K); absent: the built-in test subscriber. With card "external" it must describe the card in the reader.' })),
    profile: Defaulted(StringEnum(['full', 'aka-only'] as const, { description: 'Virtual USIM: "full" supports GBA_U and MBMS contexts, "aka-only" only 3G AKA (forces GBA_ME).' }), 'full'),
    useVpcd: Defaulted(Type.Unsafe<'auto' | boolean>({ enum: ['auto', true, false], description: 'Plug the virtual USIM into pcscd through vpcd: true, false (in-process card), or "auto" (when pcscd and vpcd are installed).', [EXPECTED]: '"auto", true or false' }), 'auto'),
    process: Defaulted(StringEnum(['child', 'in-process'] as const, { description: 'Where the simulated world runs: "child" (its own process, so the daemon measures and behaves as on a real board; needs PC/SC, else in-process) or "in-process".' }), 'child'),
    vpcdPort: Defaulted(Port({ minimum: 1, description: 'TCP port of the vpcd driver the virtual card connects to (vsmartcard default 35963).' }), 35963),
    bsfPort: Defaulted(Port({ description: 'Loopback port of the simulated BSF (0: any free port).' }), 18080),
    bsmPort: Defaulted(Port({ description: 'Loopback port of the simulated BSM (0: any free port).' }), 18081),
    portalPort: Defaulted(Port({ description: 'Loopback port of the simulated purchase portal (0: any free port).' }), 18082),
    controlPort: Defaulted(Port({ description: 'Loopback port of the simulator control API used by `bcastctl sim` (0: any free port).' }), 18083),
    pdpAddress: Defaulted(Type.String({ format: 'ipv4', description: 'IPv4 address the simulated modem hands out for an activated PDP context (AT+CGPADDR). A loopback alias such as 127.0.0.2 is a real local address: with network.ltkmBind "pdp" the LTKM socket binds it, as on a board.', [EXPECTED]: 'an IPv4 address' }), '10.64.0.2'),
  },
  { description: 'The simulated world; only with modem profile "sim" (filled with defaults there when absent).' },
);

export const BoardConfigSchema = Strict(
  {
    board: Board,
    deviceId: Derived(Pattern(MQTT_ID, 'an MQTT-safe id (letters, digits, "-" and "_", at most 64)', { description: 'Device id in MQTT topics. Absent: $BCASTD_DEVICE_ID when set, else derived as deviceIdFrom says.' })),
    deviceIdFrom: Derived(
      StringEnum(DEVICE_ID_SOURCES, {
        description: 'How a deviceId is derived when neither deviceId nor $BCASTD_DEVICE_ID gives one: "machine-id" (default on real boards) the board name plus 12 hex of HMAC-SHA256(/etc/machine-id, "bcastd-device-id"), different on every unit; "board-name" (default on the sim board) board.name made MQTT-safe, the same on every unit of the board.',
      }),
    ),
    modem: Modem,
    card: Card,
    network: Network,
    mqtt: Mqtt,
    terminal: Terminal,
    stateDir: Defaulted(AbsPath({ description: 'Directory of state.json (no key material in it); systemd: StateDirectory=bcastd.' }), '/var/lib/bcastd'),
    log: Log,
    sim: Type.Optional(SimSchema),
  },
  {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'urn:bcastd:board-config',
    title: 'bcastd board config',
    description: 'One board: its modem, USIM reader, operator network, MQTT broker and policies. Strings may use ${VAR} and ${VAR:-default} from the environment ($$ for a literal $).',
  },
);

/** A loaded board config: defaults applied, derived fields filled (see rules.ts). */
export type BoardConfig = Static<typeof BoardConfigSchema>;
export type ModemConfig = BoardConfig['modem'];
export type CardConfig = BoardConfig['card'];
export type NetworkConfig = BoardConfig['network'];
export type MqttConfig = BoardConfig['mqtt'];
export type TerminalConfig = BoardConfig['terminal'];
export type LogConfig = BoardConfig['log'];
export type SimConfig = Static<typeof SimSchema>;
export type { ModemProfile } from '../../modem/options.js';
// Adapters own their option types: a schema change they cannot take fails to compile here.
({}) as ModemConfig & { port: string } satisfies ModemSettings;
({}) as MqttConfig satisfies MqttSettings;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** board-configs/schema.json exactly as scripts/gen-schema.mjs writes it (and the sync test expects). */
export function renderSchemaJson(): string {
  return `${JSON.stringify(BoardConfigSchema, null, 2)}\n`;
}
