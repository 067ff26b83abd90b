/**
 * Why a connection to the broker failed, in field terms: one table from the codes Node/OpenSSL and mqtt.js
 * report (certificate verification codes, TLS alerts the broker sent, CONNACK reason codes, socket errors) to
 * a kind and a sentence naming the config option to check. Pure: error in, description out.
 */

export type ConnectFailureKind =
  | 'broker_untrusted' // the broker's certificate does not chain to mqtt.tls.ca
  | 'broker_name_mismatch' // the broker's certificate is for another name
  | 'broker_cert_expired' // the broker's certificate is expired / not yet valid
  | 'client_cert_refused' // the broker sent an alert about our client certificate
  | 'client_cert_required' // the broker wants a client certificate and we sent none
  | 'tls_failed' // any other handshake failure
  | 'not_tls' // mqtts:// to a port that does not speak TLS
  | 'not_authorized' // CONNACK 0x87 / 5
  | 'bad_credentials' // CONNACK 0x86 / 4
  | 'client_id_rejected' // CONNACK 0x85 / 2
  | 'protocol_version' // CONNACK 0x84 / 1
  | 'broker_unavailable' // CONNACK 0x88, 0x89, 0x8B, 0x9F, 3
  | 'connack_refused' // any other CONNACK refusal
  | 'connack_timeout' // connected, but no CONNACK
  | 'refused' // nothing listens at host:port
  | 'unreachable' // no route, no DNS, timeout
  | 'reset' // the broker dropped the connection before CONNACK
  | 'other';

export interface ConnectFailure {
  kind: ConnectFailureKind;
  /** The log line's headline for this family of failures (the same for every TLS failure, …). */
  headline: string;
  /** One sentence for the log and `health`: what went wrong and what to check. */
  message: string;
  /** The code the failure came with (OpenSSL/Node code string, or the CONNACK reason code). */
  code?: string | number;
}

const UNREACHABLE = 'mqtt broker unreachable; retrying';
const TLS_FAILED = 'mqtt TLS handshake failed; retrying';
const REFUSED = 'mqtt broker refused the connection; retrying';
const FAILED = 'mqtt connect failed; retrying';

/** Headline per kind: where it failed (socket, TLS, CONNACK); the `message` says why. */
const HEADLINE: Readonly<Record<ConnectFailureKind, string>> = {
  refused: UNREACHABLE,
  unreachable: UNREACHABLE,
  broker_untrusted: TLS_FAILED,
  broker_name_mismatch: TLS_FAILED,
  broker_cert_expired: TLS_FAILED,
  client_cert_refused: TLS_FAILED,
  client_cert_required: TLS_FAILED,
  tls_failed: TLS_FAILED,
  not_tls: TLS_FAILED,
  not_authorized: REFUSED,
  bad_credentials: REFUSED,
  client_id_rejected: REFUSED,
  protocol_version: REFUSED,
  broker_unavailable: REFUSED,
  connack_refused: REFUSED,
  connack_timeout: FAILED,
  reset: FAILED,
  other: FAILED,
};

export interface ConnectContext {
  /** The broker URL (mqtts:// or wss:// means TLS). */
  url: string;
  /** mqtt.tls.ca is set (else only the system CAs are trusted). */
  caConfigured?: boolean;
  /** mqtt.tls.cert is set. */
  certConfigured?: boolean;
  /** mqtt.tls.servername, when set. */
  servername?: string;
}

/** What Node / OpenSSL / mqtt.js hang on their errors; everything optional. */
interface ErrorFields {
  code?: unknown;
  message?: unknown;
  reason?: unknown;
  host?: unknown;
  cert?: { subjectaltname?: unknown; subject?: { CN?: unknown } };
}

interface TlsRow {
  kind: ConnectFailureKind;
  /** Node error codes: certificate verification codes, or ERR_SSL_<OpenSSL reason> for received alerts. */
  codes: readonly string[];
  /** OpenSSL reason strings (`err.reason`), for Node builds that name them differently. */
  reasons?: readonly string[];
  text: (ctx: ConnectContext, e: ErrorFields) => string;
}

const caHint = (ctx: ConnectContext) => (ctx.caConfigured ? 'check mqtt.tls.ca' : 'set mqtt.tls.ca to the CA that signed the broker certificate; only the system CAs are trusted now');
const certHint = 'check mqtt.tls.cert/key and the broker\'s cafile';

/**
 * TLS failures, first match wins. Alerts are what the broker told us about OUR certificate. OpenSSL 3.5 (Node 24)
 * spells the alerts "ssl/tls alert …" (ERR_SSL_SSL/TLS_ALERT_…) where 3.0 (Node 20/22) says "sslv3 alert …".
 */
const TLS_TABLE: readonly TlsRow[] = [
  {
    kind: 'broker_untrusted',
    codes: ['DEPTH_ZERO_SELF_SIGNED_CERT'],
    text: (ctx) => `broker certificate not trusted: self-signed (${caHint(ctx)})`,
  },
  {
    kind: 'broker_untrusted',
    codes: ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'SELF_SIGNED_CERT_IN_CHAIN', 'CERT_SIGNATURE_FAILURE', 'CERT_UNTRUSTED', 'INVALID_CA'],
    text: (ctx) => `broker certificate not trusted: signed by an unknown CA (${caHint(ctx)})`,
  },
  {
    kind: 'broker_name_mismatch',
    codes: ['ERR_TLS_CERT_ALTNAME_INVALID', 'HOSTNAME_MISMATCH'],
    text: (ctx, e) => {
      const names = typeof e.cert?.subjectaltname === 'string' ? e.cert.subjectaltname : typeof e.cert?.subject?.CN === 'string' ? `CN=${e.cert.subject.CN}` : 'another name';
      const host = typeof e.host === 'string' ? e.host : hostOf(ctx.url);
      return `broker name mismatch: certificate is for ${names}, connected to ${host} (${ctx.servername !== undefined ? 'check mqtt.tls.servername' : 'set mqtt.tls.servername, or use a name the certificate lists in mqtt.url'})`;
    },
  },
  {
    kind: 'broker_cert_expired',
    codes: ['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID'],
    text: (_ctx, e) => `broker certificate ${e.code === 'CERT_NOT_YET_VALID' ? 'not yet valid' : 'expired'} (renew it on the broker, or check this device's clock)`,
  },
  {
    kind: 'client_cert_required',
    codes: ['ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', 'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE'],
    reasons: ['tlsv13 alert certificate required'],
    text: (ctx) => `broker requires a client certificate (${ctx.certConfigured ? 'ours was not sent: check mqtt.tls.cert/key' : 'set mqtt.tls.cert and mqtt.tls.key'})`,
  },
  {
    kind: 'client_cert_refused',
    codes: ['ERR_SSL_TLSV1_ALERT_UNKNOWN_CA'],
    reasons: ['tlsv1 alert unknown ca'],
    text: () => `broker refused our client certificate: issued by a CA it does not trust (${certHint})`,
  },
  {
    kind: 'client_cert_refused',
    codes: ['ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED', 'ERR_SSL_SSL/TLS_ALERT_CERTIFICATE_EXPIRED'],
    reasons: ['sslv3 alert certificate expired', 'ssl/tls alert certificate expired'],
    text: () => 'broker refused our client certificate: expired (renew mqtt.tls.cert, or check this device\'s clock)',
  },
  {
    kind: 'client_cert_refused',
    codes: ['ERR_SSL_SSLV3_ALERT_CERTIFICATE_REVOKED', 'ERR_SSL_SSL/TLS_ALERT_CERTIFICATE_REVOKED'],
    reasons: ['sslv3 alert certificate revoked', 'ssl/tls alert certificate revoked'],
    text: () => `broker refused our client certificate: revoked (${certHint})`,
  },
  {
    kind: 'client_cert_refused',
    codes: ['ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE', 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN', 'ERR_SSL_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE', 'ERR_SSL_TLSV1_ALERT_ACCESS_DENIED', 'ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR', 'ERR_SSL_SSL/TLS_ALERT_BAD_CERTIFICATE', 'ERR_SSL_SSL/TLS_ALERT_CERTIFICATE_UNKNOWN', 'ERR_SSL_SSL/TLS_ALERT_UNSUPPORTED_CERTIFICATE'],
    reasons: ['sslv3 alert bad certificate', 'sslv3 alert certificate unknown', 'sslv3 alert unsupported certificate', 'tlsv1 alert access denied', 'tlsv1 alert decrypt error', 'ssl/tls alert bad certificate', 'ssl/tls alert certificate unknown', 'ssl/tls alert unsupported certificate'],
    text: () => `broker refused our client certificate (certificate unknown / expired / revoked — ${certHint})`,
  },
  {
    kind: 'not_tls',
    codes: ['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG', 'ERR_SSL_HTTP_REQUEST'],
    reasons: ['wrong version number'],
    text: (ctx) => `TLS handshake failed: ${hostOf(ctx.url)} does not speak TLS (a plain MQTT port? use mqtt:// or the broker's TLS port)`,
  },
  {
    kind: 'tls_failed',
    codes: ['ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE', 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION', 'ERR_SSL_NO_PROTOCOLS_AVAILABLE', 'ERR_SSL_UNSUPPORTED_PROTOCOL', 'ERR_SSL_NO_SHARED_CIPHER', 'ERR_SSL_SSL/TLS_ALERT_HANDSHAKE_FAILURE'],
    reasons: ['sslv3 alert handshake failure', 'tlsv1 alert protocol version', 'ssl/tls alert handshake failure'],
    text: (ctx) => `TLS handshake failed: the broker refused the handshake (no common TLS version/cipher, or it requires a client certificate${ctx.certConfigured ? '' : ': set mqtt.tls.cert/key'})`,
  },
];

interface ConnackRow {
  kind: ConnectFailureKind;
  /** MQTT 5 reason codes (>= 0x80) and MQTT 3.1.1 return codes (1..5) mean the same here. */
  codes: readonly number[];
  text: string;
}

const CONNACK_TABLE: readonly ConnackRow[] = [
  { kind: 'not_authorized', codes: [0x87, 5], text: 'not authorised: the broker refused this client (check that the certificate CN / mqtt.username is the device id and the broker\'s ACL allows its topics, the status will included)' },
  { kind: 'bad_credentials', codes: [0x86, 4], text: 'bad user name or password (check mqtt.username and mqtt.passwordFile)' },
  { kind: 'client_id_rejected', codes: [0x85, 2], text: 'client identifier rejected (check mqtt.clientId)' },
  { kind: 'protocol_version', codes: [0x84, 1], text: 'MQTT protocol version not supported by the broker (set mqtt.protocolVersion to 4)' },
  { kind: 'broker_unavailable', codes: [0x88, 0x89, 0x8b, 0x9f, 3], text: 'broker unavailable, busy or rate-limiting connections (it will be retried)' },
  { kind: 'not_authorized', codes: [0x8a], text: 'banned by the broker' },
  { kind: 'bad_credentials', codes: [0x8c], text: 'bad authentication method' },
  { kind: 'connack_refused', codes: [0x9c, 0x9d], text: 'the broker redirects to another server (update mqtt.url)' },
];

/** Socket-level failures (no TLS or MQTT involved yet). */
const SOCKET_TABLE: Readonly<Record<string, { kind: ConnectFailureKind; text: (ctx: ConnectContext) => string }>> = {
  ECONNREFUSED: { kind: 'refused', text: (ctx) => `connection refused by ${hostOf(ctx.url)}: no broker listening there (check mqtt.url)` },
  EHOSTUNREACH: { kind: 'unreachable', text: (ctx) => `no route to ${hostOf(ctx.url)} (network down?)` },
  ENETUNREACH: { kind: 'unreachable', text: (ctx) => `network unreachable for ${hostOf(ctx.url)} (network down?)` },
  ETIMEDOUT: { kind: 'unreachable', text: (ctx) => `connection to ${hostOf(ctx.url)} timed out` },
  ENOTFOUND: { kind: 'unreachable', text: (ctx) => `cannot resolve the broker host of ${ctx.url} (check mqtt.url and DNS)` },
  EAI_AGAIN: { kind: 'unreachable', text: (ctx) => `cannot resolve the broker host of ${ctx.url} now (DNS unavailable)` },
};

/** host:port of a broker URL, for messages. */
function hostOf(url: string): string {
  try {
    const u = new URL(url);
    return u.port ? `${u.hostname}:${u.port}` : u.hostname;
  } catch {
    return url;
  }
}

export function isTlsUrl(url: string): boolean {
  return /^(mqtts|wss):/i.test(url);
}

const hex = (n: number) => (n >= 0x80 ? `0x${n.toString(16)}` : String(n));

/** Describes a connection failure from the error mqtt.js emitted (or undefined: closed without an error). */
export function describeConnectFailure(err: unknown, ctx: ConnectContext): ConnectFailure {
  const f = classify(err, ctx);
  return { kind: f.kind, headline: HEADLINE[f.kind], message: f.message, ...(f.code !== undefined ? { code: f.code } : {}) };
}

function classify(err: unknown, ctx: ConnectContext): Omit<ConnectFailure, 'headline'> {
  const e: ErrorFields = typeof err === 'object' && err !== null ? (err as ErrorFields) : { message: String(err) };
  const code = e.code;
  const message = typeof e.message === 'string' ? e.message : '';
  const reason = typeof e.reason === 'string' ? e.reason.toLowerCase() : '';

  if (err === undefined) {
    return { kind: 'reset', message: `the broker closed the connection before CONNACK${isTlsUrl(ctx.url) ? ` (a refused client certificate looks like this: ${certHint})` : ''}` };
  }
  // mqtt.js: ErrorWithReasonCode("Connection refused: …", rc) for a refusing CONNACK.
  if (typeof code === 'number' && /^Connection refused/i.test(message)) {
    const row = CONNACK_TABLE.find((r) => r.codes.includes(code));
    const text = row?.text ?? `the broker refused the connection: ${message.replace(/^Connection refused:\s*/i, '') || 'unspecified'}`;
    return { kind: row?.kind ?? 'connack_refused', message: `${text} (CONNACK ${hex(code)})`, code };
  }
  if (typeof code === 'string') {
    const row = TLS_TABLE.find((r) => r.codes.includes(code) || (reason !== '' && r.reasons?.includes(reason) === true));
    if (row) return { kind: row.kind, message: row.text(ctx, e), code };
    const socket = SOCKET_TABLE[code];
    if (socket) return { kind: socket.kind, message: socket.text(ctx), code };
    if (code === 'ECONNRESET' || code === 'EPIPE') {
      return isTlsUrl(ctx.url)
        ? { kind: 'reset', message: `the broker reset the connection during the TLS handshake (often a refused client certificate: ${certHint}; or the port does not speak TLS)`, code }
        : { kind: 'reset', message: 'the broker reset the connection before CONNACK', code };
    }
    if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) {
      return { kind: 'tls_failed', message: `TLS handshake failed: ${reason || message} (${code})`, code };
    }
  } else {
    // Reason-only matches (no code) and mqtt.js's own code-less errors.
    const row = reason !== '' ? TLS_TABLE.find((r) => r.reasons?.includes(reason) === true) : undefined;
    if (row) return { kind: row.kind, message: row.text(ctx, e) };
    if (message === 'TLS not authorized') return { kind: 'broker_untrusted', message: `broker certificate not trusted (${caHint(ctx)})` };
    if (/connack timeout/i.test(message)) return { kind: 'connack_timeout', message: `no CONNACK from ${hostOf(ctx.url)}: not an MQTT broker, or it is overloaded` };
  }
  return { kind: 'other', message: message || String(code ?? 'unknown error'), ...(code !== undefined ? { code: code as string | number } : {}) };
}
