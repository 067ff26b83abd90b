// The SVG rendering, read back with an XML parser: participants and arrows in order, geometry that points the
// right way, every label escaped, nothing external.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { buildSequence } from '../../../src/cli/trace/model.js';
import { escapeXml, renderSvg } from '../../../src/cli/trace/svg.js';
import { at, purchaseFlowEvents, PURCHASE_ARROWS, PURCHASE_NOTES, PURCHASE_PARTICIPANTS } from './fixture.js';

type Node = Record<string, unknown>;
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, isArray: (name) => ['g', 'text', 'rect', 'line', 'marker'].includes(name) });

interface Parsed {
  svg: Node;
  groups: Node[];
}

function parse(svg: string): Parsed {
  assert.equal(XMLValidator.validate(svg), true, 'well-formed XML');
  const doc = parser.parse(svg) as { svg: Node };
  const outer = (doc.svg['g'] as Node[])[0]!;
  return { svg: doc.svg, groups: outer['g'] as Node[] };
}

const ofClass = (groups: Node[], cls: string) => groups.filter((g) => String(g['@class']).split(' ')[0] === cls);
const textOf = (n: Node, i = 0) => String(((n['text'] as Node[])[i] ?? {})['#text'] ?? '');
const num = (v: unknown) => Number(v);

test('the purchase flow SVG: participants in order, arrows in order with from/to and labels, notes, times', () => {
  const m = buildSequence(purchaseFlowEvents());
  const svg = renderSvg(m, { title: 'purchase' });
  const { svg: root, groups } = parse(svg);
  assert.equal(root['@xmlns'], 'http://www.w3.org/2000/svg');
  assert.equal(root['@version'], '1.1');
  assert.equal(root['title'], 'purchase');
  assert.ok(svg.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg'));

  const participants = ofClass(groups, 'participant');
  assert.deepEqual(participants.map((p) => p['@data-name']), PURCHASE_PARTICIPANTS);
  // Each participant: a box on top, one at the bottom, both named, and its lifeline between them.
  const lifelineX = new Map<string, number>();
  for (const p of participants) {
    const [top, bottom] = p['rect'] as [Node, Node];
    assert.ok(num(top['@y']) < num(bottom['@y']));
    assert.deepEqual((p['text'] as Node[]).map((t) => t['#text']), [p['@data-name'], p['@data-name']]);
    const line = (p['line'] as Node[])[0]!;
    lifelineX.set(String(p['@data-name']), num(line['@x1']));
  }
  const xs = [...lifelineX.values()];
  assert.deepEqual([...xs].sort((a, b) => a - b), xs, 'left to right in the fixed order');

  const arrows = ofClass(groups, 'arrow');
  assert.deepEqual(arrows.map((a) => [a['@data-from'], a['@data-to']]), PURCHASE_ARROWS.map(([f, t]) => [f, t]));
  assert.deepEqual(arrows.map((a) => a['@data-index']), arrows.map((_, i) => String(i)));
  const steps = arrows.map((a) => num(a['@data-step']));
  assert.deepEqual([...steps].sort((a, b) => a - b), steps);
  const withDuration = m.steps.flatMap((s) => (s.kind === 'arrow' ? [s.durationMs === undefined ? s.label : `${s.label} (${s.durationMs < 10 ? s.durationMs.toFixed(1) : Math.round(s.durationMs)} ms)`] : []));
  assert.deepEqual(arrows.map((a) => textOf(a)), withDuration);
  assert.deepEqual(arrows.map((a) => textOf(a)).slice(3, 6), ['ok (22 ms)', 'register urn:allServices', '200 (63 ms)']);
  // Geometry: each line starts on its sender's lifeline and ends (arrowhead) at the receiver's, top to bottom.
  let lastY = -Infinity;
  arrows.forEach((a, i) => {
    const line = (a['line'] as Node[])[0]!;
    const [from, to] = PURCHASE_ARROWS[i]!;
    assert.equal(num(line['@x1']), lifelineX.get(from));
    assert.ok(Math.abs(num(line['@x2']) - lifelineX.get(to)!) <= 2);
    assert.equal(line['@marker-end'], 'url(#head)');
    assert.equal(a['@data-status'], 'ok');
    assert.ok(num(line['@y1']) > lastY);
    lastY = num(line['@y1']);
    // The time column: clock and delta.
    assert.match(textOf(a, 1), /^10:14:0[01]\.\d{3}$/);
    assert.match(textOf(a, 2), /^\+[\d.]+ (ms|s)$/);
  });

  const notes = ofClass(groups, 'note');
  assert.deepEqual(notes.map((n) => [n['@data-on'], textOf(n)]), PURCHASE_NOTES.map((t) => ['terminal', t]));
  // Arrows and notes interleave in step order.
  assert.deepEqual(groups.filter((g) => g['@data-step'] !== undefined).map((g) => num(g['@data-step'])), m.steps.map((s) => s.index));
});

test('labels with <&>"\' are escaped, read back unchanged, and cannot inject markup', () => {
  const evil = `<script>alert("x")</script> & 'co' ]]> <!--`;
  const m = buildSequence([
    { type: 'tek-delivered', ts: at(0), serviceId: evil.slice(0, 40), mtkId: 3 },
    { type: 'rejected', ts: at(1), reason: '<&>"', detail: `"'><g class="arrow" data-from="x">`, source: 'udp' },
    { type: `<x&y z="1">`, ts: at(2) },
  ]);
  const svg = renderSvg(m, { title: `trace of <${evil}>` });
  assert.doesNotMatch(svg, /<script|<!--|<x&|<g class="arrow" data-from="x"/);
  const { svg: root, groups } = parse(svg);
  assert.equal(root['title'], `trace of <${evil}>`);
  const [tek] = ofClass(groups, 'arrow');
  assert.equal(textOf(tek!), `TEK (${evil.slice(0, 40)}, MTK 3)`);
  const notes = ofClass(groups, 'note');
  assert.equal(notes.length, 2);
  assert.equal(textOf(notes[0]!), `✗ rejected <&>": "'><g class="arrow" data-from="x"> (udp)`);
  assert.equal(textOf(notes[1]!), '<x&y z="1">');
  assert.equal(ofClass(groups, 'arrow').length, 1);
});

test('escapeXml: the five specials, and characters XML cannot carry at all', () => {
  assert.equal(escapeXml(`<a href="x">&'</a>`), '&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;');
  const nasty = `a\u0000b\u0001c\u001bd\ufffee\ud800f\t\n`;
  const escaped = escapeXml(nasty);
  assert.equal(escaped, 'a\ufffdb\ufffdc\ufffdd\ufffde\ufffdf\t\n');
  assert.equal(XMLValidator.validate(`<t>${escaped}</t>`), true);
  assert.equal(escapeXml('😀 日本'), '😀 日本');
});

test('standalone: no scripts, no links, no external fonts or images', () => {
  const svg = renderSvg(buildSequence(purchaseFlowEvents()));
  assert.doesNotMatch(svg, /<script|href=|@import|@font-face|<image|<foreignObject|url\((?!#head(-error)?\))/i);
  const { svg: root } = parse(svg);
  const defs = root['defs'] as Node;
  assert.deepEqual((defs['marker'] as Node[]).map((mk) => mk['@id']), ['head', 'head-error']);
  assert.ok(num(root['@width']) > 0 && num(root['@height']) > 0);
  assert.equal(root['@viewBox'], `0 0 ${root['@width']} ${root['@height']}`);
});

test('failures are red, marked in the text, and use the red arrowhead', () => {
  const m = buildSequence([
    { type: 'bsm-request', ts: at(0), action: 'register', id: 1, services: ['urn:allServices'] },
    { type: 'bsm-response', ts: at(30), action: 'register', id: 1, status: 503, reason: 'busy', durationMs: 30 },
    { type: 'bring-up-failed', ts: at(40), step: 'pdp', reason: 'no coverage' },
    { type: 'sms', ts: at(50), parts: 1 },
  ]);
  const { groups } = parse(renderSvg(m));
  const [ok, failed] = ofClass(groups, 'arrow');
  assert.equal(failed!['@class'], 'arrow error');
  assert.equal(failed!['@data-status'], 'error');
  assert.equal(textOf(failed!), '✗ 503 busy (30 ms)');
  const line = (failed!['line'] as Node[])[0]!;
  assert.equal(line['@marker-end'], 'url(#head-error)');
  assert.equal(line['@stroke'], '#c62828');
  assert.equal(ok!['@class'], 'arrow');
  const [note] = ofClass(groups, 'note');
  assert.equal(note!['@class'], 'note error');
  assert.equal(textOf(note!), '✗ bring-up failed at pdp: no coverage');
});

test('a label longer than its span is cut with … in the drawing and kept whole in the tooltip', () => {
  const reason = 'the BSF answered with something long and unexpected';
  const m = buildSequence([
    { type: 'gba-bootstrap', ts: at(0), phase: 'started', mode: 'gba-u' },
    { type: 'gba-bootstrap', ts: at(5), phase: 'failed', mode: 'gba-u', durationMs: 5, reason: reason + ' '.repeat(3) + 'x'.repeat(200) },
  ]);
  const { groups } = parse(renderSvg(m));
  const failed = ofClass(groups, 'arrow')[1]!;
  const shown = textOf(failed);
  assert.ok(shown.endsWith('…'), shown);
  assert.ok(shown.startsWith(`✗ bootstrap failed: ${reason.slice(0, 20)}`));
  assert.match(String(failed['title']), new RegExp(`BSF → terminal: ✗ bootstrap failed: ${reason}`));
});

test('an empty trace is still a valid document', () => {
  const { groups } = parse(renderSvg(buildSequence([])));
  assert.equal(ofClass(groups ?? [], 'participant').length, 0);
});
