/**
 * Acceptance fixtures for the modem engine: real public AT transcripts (transcripts/*.txt, each naming
 * its source) replayed through the framer. Each must frame without garbage into the tallies counted
 * by hand from the source below, and must frame identically however its chunks are cut.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AtFramer, parseCgev, parseCmti, parseCpin, parseCreg, type AtLine } from '../../../../src/codec/at/index.js';
import { byteByByte, cutAt, loadTranscripts, replay, type Transcript } from './transcript.js';

interface Tally {
  readonly finals: Readonly<Record<string, number>>;
  readonly echo: number;
  readonly info: number;
  readonly prompt: number;
  readonly cmt: number;
  /** URC names in order of arrival. */
  readonly urcs: readonly string[];
}

const CGEV6 = ['+CGEV', '+CGEV', '+CGEV', '+CGEV', '+CGEV', '+CGEV'];

/** Counted from the sources, not from the framer. */
const EXPECTED: Readonly<Record<string, Tally>> = {
  'quectel-eg25g-pinephone.txt': {
    finals: { OK: 32, 'NO CARRIER': 1 },
    echo: 34,
    info: 8,
    prompt: 2,
    cmt: 0,
    urcs: ['RDY', '+CFUN', '+CPIN', '+QUSIM', '+QIND', '+CREG', '+QIND'],
  },
  'simcom-a76xx-electrodragon.txt': {
    finals: { OK: 2, 'CME ERROR': 1 },
    echo: 3,
    info: 1,
    prompt: 0,
    cmt: 0,
    urcs: [
      ...['*ATREADY', '+CPIN', 'SMS DONE', ...CGEV6, '+CMTI', '+CMTI'],
      ...['+CEREG', '+CGEV', '+CGEV', '+CGEV', '+CGEV'],
      ...['+CPIN', 'SMS DONE', '+CEREG', '+CGEV', 'PB DONE'],
    ],
  },
  'simcom-sim7600.txt': {
    finals: {},
    echo: 0,
    info: 0,
    prompt: 0,
    cmt: 0,
    urcs: ['RDY', '+CPIN', ...CGEV6, '+CGEV', '+CGEV', '+CGEV', '+CGEV'],
  },
  'simcom-sim800.txt': { finals: { OK: 4 }, echo: 4, info: 0, prompt: 0, cmt: 0, urcs: ['+CPIN', 'Call Ready', 'SMS Ready', '+CMTI'] },
  'ublox-sara.txt': {
    finals: { OK: 13 },
    echo: 0,
    info: 4,
    prompt: 0,
    cmt: 0,
    urcs: ['+CEREG', '+CEREG', '+CPIN', '+CREG', '+CEREG', '+CGREG', '+CEREG', '+CREG', '+CGREG', '+CEREG', '+CREG', '+CGREG'],
  },
  'telit-he910.txt': { finals: { OK: 2 }, echo: 2, info: 1, prompt: 0, cmt: 0, urcs: ['+CREG'] },
  'huawei-e1752.txt': { finals: { OK: 1 }, echo: 1, info: 1, prompt: 0, cmt: 0, urcs: ['^SRVST', '^MODE'] },
  'air780e-sim-hotplug.txt': {
    finals: { OK: 11, 'CME ERROR': 1 },
    echo: 12,
    info: 12,
    prompt: 0,
    cmt: 0,
    urcs: [
      ...['+CPIN', '^MODE', '+NO Service', '+CGEV', '+CGEV', '+CPIN', '+CGEV'],
      ...['^MODE', '+E_UTRAN Service', '+CGEV', '+NITZ', '+CPIN', '+CGEV'],
      ...['^MODE', '+E_UTRAN Service', '+CGEV', '+NITZ', '+CPIN'],
      ...['+CGEV', '+CGEV', '^MODE', '+E_UTRAN Service', '+CGEV', '+NITZ'],
    ],
  },
};

function tally(lines: readonly AtLine[]): Tally & { garbage: number } {
  const finals: Record<string, number> = {};
  let echo = 0;
  let info = 0;
  let prompt = 0;
  let cmt = 0;
  let garbage = 0;
  const urcs: string[] = [];
  for (const l of lines) {
    if (l.kind === 'final') finals[l.result] = (finals[l.result] ?? 0) + 1;
    else if (l.kind === 'echo') echo++;
    else if (l.kind === 'info') info++;
    else if (l.kind === 'prompt') prompt++;
    else if (l.kind === 'cmt') cmt++;
    else if (l.kind === 'garbage') garbage++;
    else urcs.push(l.name);
  }
  return { finals, echo, info, prompt, cmt, urcs, garbage };
}

const transcripts = loadTranscripts();

describe('AT transcripts from real modems', () => {
  it('every fixture has an expectation and every expectation a fixture', () => {
    assert.deepEqual(transcripts.map((t) => t.name).sort(), Object.keys(EXPECTED).sort());
  });

  for (const t of transcripts) {
    describe(t.name, () => {
      it('names its public source in the header', () => {
        assert.ok(t.header.some((h) => /^# source: .*(github\.com\/|https?:\/\/)/.test(h)), 'header lacks "# source: <address>"');
      });

      it('has the byte counts the source reports', () => {
        const declared = t.steps.filter((s) => s.kind === 'rx' && s.declared !== null);
        for (const s of declared) if (s.kind === 'rx') assert.equal(s.bytes.length, s.declared);
      });

      it('frames with no garbage into the expected finals, echoes, info lines, prompts and URCs', () => {
        const { garbage, ...got } = tally(replay(t));
        assert.equal(garbage, 0);
        assert.deepEqual(got, EXPECTED[t.name]);
      });

      it('has URCs the parsers read, registration lines as read answers while our AT+CxREG? runs', () => {
        for (const { line, inFlight } of urcsWithCommand(t)) {
          if (line.name === '+CGEV') assert.notEqual(parseCgev(line.text).effect, undefined);
          if (line.name === '+CPIN') assert.equal(typeof parseCpin(line.text).ready, 'boolean');
          if (line.name === '+CMTI') assert.ok(parseCmti(line.text).index >= 0);
          if (['+CREG', '+CGREG', '+CEREG', '+C5GREG'].includes(line.name)) {
            const form = inFlight === `AT${line.name}?` ? 'read' : 'urc';
            assert.equal(parseCreg(line.text, form).command, line.name);
          }
        }
      });

      it('frames identically pushed whole, byte by byte and split at random places', () => {
        const asCaptured = replay(t);
        const whole = replayJoined(t);
        assert.deepEqual(replay(t, byteByByte), asCaptured);
        assert.deepEqual(whole, asCaptured);
        fc.assert(
          fc.property(fc.array(fc.nat(200), { maxLength: 12 }), (cuts) => {
            assert.deepEqual(
              replay(t, (b) => cutAt(b, cuts)),
              asCaptured,
            );
          }),
          { numRuns: 60 },
        );
      });
    });
  }
});

/**
 * Pushes every run of received chunks between two host actions as ONE chunk: what a reader with a
 * bigger buffer would have seen.
 */
function replayJoined(t: Transcript): AtLine[] {
  const merged: Transcript['steps'][number][] = [];
  for (const s of t.steps) {
    const last = merged[merged.length - 1];
    if (s.kind === 'rx' && last?.kind === 'rx') {
      const joined = new Uint8Array(last.bytes.length + s.bytes.length);
      joined.set(last.bytes);
      joined.set(s.bytes, last.bytes.length);
      merged[merged.length - 1] = { kind: 'rx', bytes: joined, declared: null };
    } else merged.push(s);
  }
  return replay({ ...t, steps: merged });
}

/** Each URC of a transcript with the command then in flight (sent, final result not yet seen). */
function urcsWithCommand(t: Transcript): { line: Extract<AtLine, { kind: 'urc' }>; inFlight: string | null }[] {
  const framer = new AtFramer();
  const out: { line: Extract<AtLine, { kind: 'urc' }>; inFlight: string | null }[] = [];
  let inFlight: string | null = null;
  for (const step of t.steps) {
    if (step.kind === 'reset') {
      framer.reset();
      inFlight = null;
    } else if (step.kind === 'tx') {
      framer.expectEcho(step.text);
      inFlight = step.text;
    } else {
      for (const l of framer.push(step.bytes)) {
        if (l.kind === 'final') inFlight = null;
        if (l.kind === 'urc') out.push({ line: l, inFlight });
      }
    }
  }
  return out;
}
