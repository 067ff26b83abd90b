/**
 * Fuzz targets shared by the CI fuzz test (decoders.test.ts) and the million-case bench
 * (bench/fuzz.bench.ts): each decoder with its typed error and a corpus of real inputs to mutate, a
 * seeded PRNG, a byte mutator, and a runner that sorts every case into accepted / rejected (typed
 * error) / crash (any other exception) and keeps the slowest case.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  at,
  buildBootstrappingInfo,
  buildMskMessage,
  buildMskResponse,
  buildMtkMessage,
  buildRegisterRequest,
  buildRegisterResponse,
  buildSolicitedPull,
  buildVerificationMessage,
  decodeMikey,
  decodeSmsDeliver,
  decodeWspPush,
  describeMbms,
  encodeMikey,
  encodeWspPush,
  fromHex,
  isDecodeError,
  MIKEY_ENCR_ALG,
  parseBootstrappingInfo,
  parseMskResponse,
  parseRegisterResponse,
  parseSmartcardTrigger,
  usim,
} from '../../../src/codec/index.js';
import { isConfigError, parseBoardConfig } from '../../../src/daemon/config/index.js';
import { repoRoot } from '../../helpers/repo.js';

// ---- PRNG and mutator ----

/** mulberry32: tiny, fast, and the same sequence for the same seed on every machine. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INTERESTING = [0x00, 0x01, 0x7f, 0x80, 0xff, 0xfe, 0x0d, 0x0a, 0x22, 0x2c, 0x3c, 0x3e, 0x26, 0x1a, 0x1b];

/** Random bytes of a random length below `max`. */
export function randomBytes(rnd: () => number, max: number): Uint8Array {
  const n = Math.floor(rnd() * max);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (rnd() * 256) | 0;
  return out;
}

/** 1..4 stacked mutations of `seed`: bit flips, byte sets, inserts, deletes, duplicates, splices. */
export function mutate(rnd: () => number, seed: Uint8Array, corpus: readonly Uint8Array[], tokens: readonly Uint8Array[]): Uint8Array {
  let b = seed;
  const rounds = 1 + Math.floor(rnd() * 4);
  for (let r = 0; r < rounds; r++) {
    const pos = Math.floor(rnd() * (b.length + 1));
    switch (Math.floor(rnd() * 9)) {
      case 0: // flip a bit
        if (b.length > 0) {
          b = b.slice();
          const p = pos % b.length;
          b[p]! ^= 1 << Math.floor(rnd() * 8);
        }
        break;
      case 1: // set a byte to an interesting value
        if (b.length > 0) {
          b = b.slice();
          b[pos % b.length] = INTERESTING[Math.floor(rnd() * INTERESTING.length)]!;
        }
        break;
      case 2: // set a byte at random
        if (b.length > 0) {
          b = b.slice();
          b[pos % b.length] = (rnd() * 256) | 0;
        }
        break;
      case 3: // delete a range
        b = concat(b.subarray(0, pos), b.subarray(Math.min(b.length, pos + 1 + Math.floor(rnd() * 16))));
        break;
      case 4: // insert random bytes
        b = concat(b.subarray(0, pos), randomBytes(rnd, 8), b.subarray(pos));
        break;
      case 5: // duplicate a range (repeated structures, length fields that no longer fit)
        {
          const len = Math.floor(rnd() * 32);
          b = concat(b.subarray(0, pos + len), b.subarray(pos, pos + len), b.subarray(pos + len));
        }
        break;
      case 6: // truncate
        b = b.subarray(0, pos);
        break;
      case 7: // splice with another corpus entry
        {
          const other = corpus[Math.floor(rnd() * corpus.length)]!;
          const at = Math.floor(rnd() * (other.length + 1));
          b = concat(b.subarray(0, pos), other.subarray(at));
        }
        break;
      default: // insert a protocol token
        if (tokens.length > 0) b = concat(b.subarray(0, pos), tokens[Math.floor(rnd() * tokens.length)]!, b.subarray(pos));
        break;
    }
  }
  return b;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');

// ---- targets ----

export interface FuzzTarget {
  readonly name: string;
  /** Real inputs to mutate. */
  readonly corpus: readonly Uint8Array[];
  /** Fragments worth inserting (keywords, tags). */
  readonly tokens: readonly Uint8Array[];
  /** Random inputs are up to this long. */
  readonly maxRandom: number;
  /** Runs the decoder(s) on one input; returns normally when every decoder accepted it. */
  run(input: Uint8Array): void;
  /** The error the decoder is documented to throw on bad input. */
  isTyped(e: unknown): boolean;
}

const bytesOf = (n: number, k: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + k * 7) & 0xff);
const KEY_DOMAIN = Uint8Array.of(0x00, 0xf1, 0x10);

function mikeyCorpus(): Uint8Array[] {
  const pull = JSON.parse(readFileSync(join(repoRoot, 'test', 'vectors', 'solicited-pull.json'), 'utf8')) as { mikey: string };
  const out = [fromHex(pull.mikey)];
  for (const v of [false, true]) {
    out.push(
      encodeMikey(
        buildMskMessage({
          csbId: 0x01020304,
          counter: 1000,
          rand: bytesOf(16, 1),
          idi: 'bsm.sim.bcastd.test',
          idr: 'KSAkDhIaC3iZ4UFX2i7ubpcLZ1UUcHjHC4SUwEQW2nU=@bsf.mnc001.mcc001.pub.3gppnetwork.org',
          keyDomainId: KEY_DOMAIN,
          mskId: { keyGroup: 0x0102, keyNumber: 7 },
          v,
          encrAlg: MIKEY_ENCR_ALG.AES_CM_128,
          encryptedKeyData: bytesOf(96, 2),
        }),
      ),
    );
  }
  out.push(encodeMikey(buildSolicitedPull({ csbId: 1, counter: 5, rand: new Uint8Array(16), idi: 'bsm', idr: 'btid', keyDomainId: KEY_DOMAIN, keyGroup: 3 })));
  out.push(encodeMikey(buildVerificationMessage({ csbId: 9, counter: 77 })));
  out.push(
    encodeMikey(
      buildMtkMessage({
        csbId: 2,
        counter: 3,
        keyDomainId: KEY_DOMAIN,
        mskId: { keyGroup: 1, keyNumber: 2 },
        mtkId: 4,
        encrAlg: MIKEY_ENCR_ALG.AES_CM_128,
        encryptedKeyData: bytesOf(48, 3),
      }),
    ),
  );
  return out;
}

function smsCorpus(): Uint8Array[] {
  const rows = readFileSync(join(repoRoot, 'test', 'vectors', 'sms-pdus.tsv'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => fromHex(l.split('\t')[1]!.trim()));
  const pull = JSON.parse(readFileSync(join(repoRoot, 'test', 'vectors', 'solicited-pull.json'), 'utf8')) as { smsDeliverPdus: string[] };
  return [...rows, ...pull.smsDeliverPdus.map(fromHex)];
}

function wspCorpus(mikey: readonly Uint8Array[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const [i, body] of mikey.entries()) {
    out.push(encodeWspPush({ tid: i, contentType: 'application/mikey', applicationId: 'x-oma-application:bcast.ua', body }));
  }
  out.push(encodeWspPush({ tid: 7, contentType: 'application/vnd.oma.bcast.smartcard-trigger+xml', applicationId: 'x-oma-application:bcast.ua', body: utf8('<t/>') }));
  return out;
}

function xmlCorpus(): Uint8Array[] {
  return [
    buildBootstrappingInfo({ btid: 'KSAkDhIaC3iZ4UFX2i7ubpcLZ1UUcHjHC4SUwEQW2nU=@bsf.example', lifetime: new Date('2030-01-01T00:00:00Z') }),
    buildRegisterResponse([
      { serviceId: 'urn:svc:1', status: 200 },
      { serviceId: 'urn:svc:2', status: 403, reason: 'not subscribed' },
    ]),
    buildMskResponse([{ keyDomainId: KEY_DOMAIN, mskId: Uint8Array.of(0, 1, 0, 7), status: 200 }]),
    buildRegisterRequest(['urn:x']),
    '<?xml version="1.0"?><t:SmartcardTrigger xmlns:t="urn:oma:bcast"><t:reason>purchase</t:reason><t:service><t:id>1</t:id></t:service><t:reason/></t:SmartcardTrigger>',
    '<!DOCTYPE a [<!ENTITY x "xx">]><a>&x;&x;</a>',
    '<a><![CDATA[<b>]]><!-- c --><?pi x?></a>',
  ].map(utf8);
}

/** The received bytes of the AT transcripts (test/unit/codec/at/transcripts), one seed per file. */
function atCorpus(): Uint8Array[] {
  const dir = join(repoRoot, 'test', 'unit', 'codec', 'at', 'transcripts');
  const out: Uint8Array[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.txt')).sort()) {
    const chunks: string[] = [];
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
      const m = /^<\d* ?(.*)$/.exec(line);
      if (m) chunks.push(m[1]!);
    }
    const s = chunks.join('').replace(/\\(r|n|t|\\|x([0-9a-fA-F]{2}))/g, (_, c: string, hex?: string) =>
      hex ? String.fromCharCode(parseInt(hex, 16)) : c === 'r' ? '\r' : c === 'n' ? '\n' : c === 't' ? '\t' : '\\',
    );
    const bytes = Buffer.from(s, 'latin1');
    // Whole transcripts are long; overlapping windows of 384 bytes keep every case cheap.
    for (let o = 0; o < bytes.length; o += 256) out.push(Uint8Array.from(bytes.subarray(o, o + 384)));
  }
  return out;
}

const AT_PARSERS: ReadonlyMap<string, (line: string) => unknown> = new Map<string, (line: string) => unknown>([
  ['+CMTI', at.parseCmti],
  ['+CMT', at.parseCmtHeader],
  ['+CMGR', at.parseCmgrHeader],
  ['+CMGL', (l) => at.parseCmglEntries([l, '0791'])],
  ['+CREG', (l) => at.parseCreg(l, 'urc')],
  ['+CGREG', (l) => at.parseCreg(l, 'read')],
  ['+CEREG', (l) => at.parseCreg(l, 'urc')],
  ['+C5GREG', (l) => at.parseCreg(l, 'read')],
  ['+CGEV', at.parseCgev],
  ['+CGPADDR', at.parseCgpaddr],
  ['+CGACT', (l) => at.parseCgactRead([l])],
  ['+CSMS', at.parseCsms],
  ['+CNMI', at.parseCnmiTest],
  ['+CPIN', at.parseCpin],
]);
const AT_ALL = [...AT_PARSERS.values()];

/** Runs `fn` and swallows only DecodeError, so one input can go through several parsers. */
function tolerate(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!isDecodeError(e)) throw e;
  }
}

/** AT: the framer over the bytes, then every line through the parser its prefix names and one more. */
const framer = new at.AtFramer({ maxLineBytes: 512 });

function runAt(input: Uint8Array): void {
  // One framer, reset per case (as after a modem reset): constructing one per case costs more than the case.
  framer.reset();
  framer.expectEcho('AT+CMGL=4');
  // Two chunks, split where the input says: the framer must not care.
  const cut = input.length > 0 ? input[0]! % (input.length + 1) : 0;
  const lines = [...framer.push(input.subarray(0, cut)), ...framer.push(input.subarray(cut))];
  let k = input.length;
  for (const l of lines) {
    const t = l.kind === 'info' || l.kind === 'urc' ? l.text : l.kind === 'cmt' ? l.headerText : null;
    if (t === null) continue;
    const prefix = at.splitPrefix(t)?.prefix.toUpperCase();
    const own = prefix === undefined ? undefined : AT_PARSERS.get(prefix);
    if (own) tolerate(() => own(t));
    const any = AT_ALL[k++ % AT_ALL.length]!;
    tolerate(() => any(t));
    tolerate(() => at.splitParams(t));
    if (l.kind === 'cmt') tolerate(() => at.splitSmscPrefix(l.pdu, l.header?.length ?? 0));
  }
  // And the parsers on the raw input as one line, without the framer's cleaning.
  const raw = text(input);
  tolerate(() => AT_ALL[input.length % AT_ALL.length]!(raw));
}

const USIM_DECODERS: ReadonlyArray<(b: Uint8Array) => unknown> = [
  usim.decodeCommandApdu,
  usim.decodeResponseApdu,
  (b) => usim.decodeTlvs(b),
  (b) => usim.decodeConstructed(b, b[0] ?? 0, 'fuzz'),
  usim.decodeAuth3gData,
  usim.decodeAuth3gResponse,
  usim.decodeGbaData,
  usim.decodeGbaBootstrapResponse,
  usim.decodeGbaNafResponse,
  (b) => usim.decodeMbmsResponse(b, 'msk-update'),
  (b) => usim.decodeMbmsResponse(b, 'mtk-generation'),
  (b) => usim.decodeThreeGppOutput(b),
  usim.decodeFcp,
  usim.decodeDirRecord,
  usim.decodeImsi,
  usim.decodeIccid,
  usim.decodeAd,
  usim.decodeGbaBp,
  usim.decodeGbaNlRecord,
  usim.decodeMskRecord,
  usim.decodeMukRecord,
];

function usimCorpus(): Uint8Array[] {
  const tlv = usim.encodeTlv;
  const seeds: Uint8Array[] = [
    usim.encodeAuth3gData(bytesOf(16, 1), bytesOf(16, 2)),
    usim.encodeAuth3gResponse({ kind: 'success', res: bytesOf(8, 3), ck: bytesOf(16, 4), ik: bytesOf(16, 5) }),
    usim.encodeAuth3gResponse({ kind: 'sync-failure', auts: bytesOf(14, 6) }),
    usim.encodeGbaBootstrapResponse({ kind: 'success', res: bytesOf(8, 7) }),
    usim.encodeImsi('001010123456789'),
    usim.encodeResponseApdu(bytesOf(20, 8), 0x9000),
    usim.encodeDirRecord({ aid: fromHex('A0000000871002FF49FF0589'), label: 'USIM' }, 40),
    tlv(0x62, usim.concatBytes(tlv(0x82, Uint8Array.of(0x78, 0x21)), tlv(0x83, Uint8Array.of(0x3f, 0x00)), tlv(0xa5, tlv(0x80, Uint8Array.of(1))))),
    tlv(0x73, usim.concatBytes(tlv(0xa0, tlv(0x80, bytesOf(20, 9))), tlv(0x80, bytesOf(130, 10)))),
    fromHex('00A4040C07A0000000871002'),
    fromHex('0088008411' + '10' + '00'.repeat(16)),
  ];
  // Each seed once per decoder: the first byte of a case picks the decoder.
  return seeds.flatMap((s) => USIM_DECODERS.map((_, i) => Uint8Array.from([i, ...s])));
}

function runUsim(input: Uint8Array): void {
  if (input.length === 0) return;
  USIM_DECODERS[input[0]! % USIM_DECODERS.length]!(input.subarray(1));
}

/** The shipped board configs, whole, and each top-level section alone (cheaper, still real YAML). */
function configCorpus(): Uint8Array[] {
  const dir = join(repoRoot, 'board-configs');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => readFileSync(join(dir, f), 'utf8'));
  const sections = files.flatMap((t) => t.split(/\n(?=[A-Za-z])/).filter((s) => s.trim() !== '' && !s.startsWith('#')));
  return [...files, ...sections].map(utf8);
}

const NO_ENV = Object.freeze({}) as Readonly<Record<string, string | undefined>>;

export function fuzzTargets(): FuzzTarget[] {
  const mikey = mikeyCorpus();
  const decodeErr = isDecodeError;
  return [
    {
      name: 'sms',
      corpus: smsCorpus(),
      tokens: [Uint8Array.of(0x05, 0x00, 0x03), Uint8Array.of(0x08, 0x04), Uint8Array.of(0x05, 0x04, 0x0b, 0x84, 0x23, 0xf0), Uint8Array.of(0x40), Uint8Array.of(0xff)],
      maxRandom: 200,
      run: (b) => void decodeSmsDeliver(b),
      isTyped: decodeErr,
    },
    {
      name: 'wsp',
      corpus: wspCorpus(mikey),
      tokens: [Uint8Array.of(0x06), Uint8Array.of(0xaf, 0x84), Uint8Array.of(0x1f, 0x7f), Uint8Array.of(0x80), Uint8Array.of(0x00), utf8('application/mikey\0')],
      maxRandom: 200,
      run: (b) => void decodeWspPush(b),
      isTyped: decodeErr,
    },
    {
      name: 'mikey',
      corpus: mikey,
      tokens: [Uint8Array.of(0x01, 0x05), Uint8Array.of(0x15, 0x00), Uint8Array.of(0x21, 0x00), Uint8Array.of(0x0b, 0x00), Uint8Array.of(0xff, 0xff)],
      maxRandom: 300,
      run: (b) => void describeMbms(decodeMikey(b), { homeKeyDomainId: KEY_DOMAIN }),
      isTyped: decodeErr,
    },
    {
      name: 'xml',
      corpus: xmlCorpus(),
      tokens: ['<', '>', '</', '/>', '&amp;', '&#x0;', '&#1114112;', '<![CDATA[', ']]>', '<!--', '-->', '<?', 'xmlns:a="u"', '"', "'", '=', '<!DOCTYPE', '&x;'].map(utf8),
      maxRandom: 300,
      run: (b) => {
        // All four readers on every input: a register-response mutation is a trigger input too.
        let accepted = 0;
        const all = [parseBootstrappingInfo, parseRegisterResponse, parseMskResponse, parseSmartcardTrigger];
        for (const parse of all) {
          try {
            parse(b);
            accepted++;
          } catch (e) {
            if (!isDecodeError(e)) throw e;
          }
        }
        if (accepted === 0) parseSmartcardTrigger(b); // rethrows the typed error: counts as rejected
      },
      isTyped: decodeErr,
    },
    {
      name: 'at',
      corpus: atCorpus(),
      tokens: ['\r\n', '\r', '+CMT: ,23\r\n', '+CMTI: "SM",', '+CGEV: ', '+CREG: ', 'OK\r\n', '+CME ERROR: ', '> ', '"', ',', '(0-1)', '\x00', '\x1a'].map(utf8),
      maxRandom: 300,
      run: runAt,
      isTyped: decodeErr,
    },
    {
      name: 'usim',
      corpus: usimCorpus(),
      tokens: [Uint8Array.of(0x62), Uint8Array.of(0x81, 0xff), Uint8Array.of(0x82, 0x01, 0x00), Uint8Array.of(0x83), Uint8Array.of(0x9f, 0x7f), Uint8Array.of(0xdb), Uint8Array.of(0x90, 0x00)],
      maxRandom: 300,
      run: runUsim,
      isTyped: decodeErr,
    },
    {
      name: 'board-config',
      corpus: configCorpus(),
      tokens: ['\n', ': ', '- ', '{', '}', '[', ']', '&a ', '*a', '<<: *a', '${X}', '${X:-1}', '!!binary ', '"', "'", '#', '\t', '---\n', '...\n', '? '].map(utf8),
      maxRandom: 300,
      run: (b) => void parseBoardConfig(Buffer.from(b).toString('utf8'), 'fuzz.yaml', { env: NO_ENV }),
      isTyped: isConfigError,
    },
  ];
}

// ---- runner ----

export interface FuzzCrash {
  readonly hex: string;
  readonly error: string;
}

export interface FuzzResult {
  readonly name: string;
  cases: number;
  accepted: number;
  rejected: number;
  crashes: number;
  /** The first few crashing inputs. */
  readonly firstCrashes: FuzzCrash[];
  slowestMs: number;
  slowestHex: string;
  elapsedMs: number;
}

export interface FuzzOptions {
  readonly cases: number;
  readonly seed: number;
  /** Share of mutated real inputs; the rest is random bytes (default 0.8). */
  readonly mutateShare?: number;
}

/** Runs `cases` inputs through `target`; never throws. */
export function fuzz(target: FuzzTarget, opts: FuzzOptions): FuzzResult {
  const rnd = prng(opts.seed);
  const share = opts.mutateShare ?? 0.8;
  const r: FuzzResult = { name: target.name, cases: 0, accepted: 0, rejected: 0, crashes: 0, firstCrashes: [], slowestMs: 0, slowestHex: '', elapsedMs: 0 };
  const { corpus, tokens } = target;
  const start = performance.now();
  for (let i = 0; i < opts.cases; i++) {
    // Every corpus entry as it is first, then mutations and random bytes.
    const input =
      i < corpus.length ? corpus[i]! : rnd() < share ? mutate(rnd, corpus[Math.floor(rnd() * corpus.length)]!, corpus, tokens) : randomBytes(rnd, target.maxRandom);
    const t0 = performance.now();
    try {
      target.run(input);
      r.accepted++;
    } catch (e) {
      if (target.isTyped(e)) r.rejected++;
      else {
        r.crashes++;
        if (r.firstCrashes.length < 5) r.firstCrashes.push({ hex: Buffer.from(input).toString('hex'), error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
      }
    }
    const ms = performance.now() - t0;
    if (ms > r.slowestMs) {
      r.slowestMs = ms;
      r.slowestHex = Buffer.from(input).toString('hex');
    }
    r.cases++;
  }
  r.elapsedMs = performance.now() - start;
  return r;
}
