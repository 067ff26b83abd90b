/** 27.005 in PDU mode: +CMGF, +CSMS, +CNMI, +CNMA, +CPMS, +CMGR, +CMGL, +CMGD, +CMGW, +CMGS. */
import type { SimCore } from './core.js';
import { MEMORIES, type MemName } from './message-store.js';
import { intAt, type ParsedCommand } from './parse-command.js';
import { cmsError, error, ok, rangeList, type Reply } from './replies.js';

const CNMI_FIELDS = ['mode', 'mt', 'bm', 'ds', 'bfr'] as const;

function isHex(text: string): boolean {
  return text.length > 0 && text.length % 2 === 0 && /^[0-9A-Fa-f]+$/.test(text);
}

function cpmsCounts(sim: SimCore): string {
  return sim.state.mems.map((m) => `${sim.store.used(m)},${sim.store.capacity}`).join(',');
}

export function handleSms(cmd: ParsedCommand, sim: SimCore): Reply | undefined {
  const s = sim.state;
  switch (cmd.name) {
    case '+CMGF': {
      if (cmd.form === 'read') return ok([`+CMGF: ${s.cmgf}`]);
      if (cmd.form === 'test') return ok(['+CMGF: (0,1)']);
      const n = intAt(cmd.params, 0);
      if (n === undefined || n > 1) return error();
      s.cmgf = n;
      return ok();
    }
    case '+CSMS': {
      if (cmd.form === 'read') return ok([`+CSMS: ${s.csms},1,1,1`]);
      if (cmd.form === 'test') return ok(['+CSMS: (0,1)']);
      const n = intAt(cmd.params, 0);
      if (n === undefined || n > 1) return cmsError(s, 303);
      s.csms = n;
      return ok(['+CSMS: 1,1,1']);
    }
    case '+CNMI': {
      const sup = sim.cnmiSupport;
      if (cmd.form === 'read') return ok([`+CNMI: ${CNMI_FIELDS.map((f) => s.cnmi[f]).join(',')}`]);
      if (cmd.form === 'test') return ok([`+CNMI: ${CNMI_FIELDS.map((f) => rangeList(sup[f])).join(',')}`]);
      const next = { ...s.cnmi };
      for (let i = 0; i < CNMI_FIELDS.length; i++) {
        if (cmd.params[i] === undefined || cmd.params[i]!.value === '') continue;
        const v = intAt(cmd.params, i);
        const field = CNMI_FIELDS[i]!;
        if (v === undefined || !sup[field].includes(v)) return cmsError(s, 303);
        next[field] = v;
      }
      s.cnmi = next;
      return ok();
    }
    case '+CNMA': {
      if (cmd.form === 'test') return ok(['+CNMA: (0-2)']);
      // PDU mode <n>: 0 and 1 send RP-ACK, 2 RP-ERROR.
      let n = 0;
      if (s.cmgf === 0 && cmd.form === 'set') {
        const v = intAt(cmd.params, 0);
        if (v === undefined || v > 2) return cmsError(s, 304);
        n = v;
      }
      if (sim.failAcks) {
        sim.smsc.ackRefused();
        return cmsError(s, 340);
      }
      if (s.csms !== 1 || !sim.smsc.awaitingAck) return cmsError(s, 340);
      sim.smsc.acknowledge(n !== 2);
      // The network's next RP-DATA follows the RP-ACK: the next +CMT comes after this OK.
      return ok([], () => sim.smsc.pump());
    }
    case '+CPMS': {
      if (cmd.form === 'read') return ok([`+CPMS: ${s.mems.map((m) => `"${m}",${sim.store.used(m)},${sim.store.capacity}`).join(',')}`]);
      if (cmd.form === 'test') {
        const list = `(${MEMORIES.map((m) => `"${m}"`).join(',')})`;
        return ok([`+CPMS: ${list},${list},${list}`]);
      }
      const names = cmd.params.map((p) => p.value.toUpperCase());
      if (names.length === 0 || names.length > 3 || names.some((n) => !MEMORIES.includes(n as MemName))) return cmsError(s, 302);
      for (let i = 0; i < names.length; i++) s.mems[i] = names[i] as MemName;
      return ok([`+CPMS: ${cpmsCounts(sim)}`]);
    }
    case '+CMGR': {
      if (cmd.form === 'test') return ok();
      const i = intAt(cmd.params, 0);
      if (i === undefined) return cmsError(s, 321);
      if (s.cmgf !== 0) return cmsError(s, 302);
      const m = sim.store.get(s.mems[0], i);
      if (!m) return cmsError(s, 321);
      const stat = m.stat;
      if (m.stat === 0) m.stat = 1;
      return ok([`+CMGR: ${stat},,${m.length}`, m.pdu]);
    }
    case '+CMGL': {
      if (cmd.form === 'test') return ok(['+CMGL: (0-4)']);
      const stat = cmd.form === 'exec' ? 0 : intAt(cmd.params, 0);
      if (s.cmgf !== 0 || stat === undefined || stat > 4) return cmsError(s, 302);
      const lines: string[] = [];
      for (const m of sim.store.list(s.mems[0], stat)) {
        lines.push(`+CMGL: ${m.index},${m.stat},,${m.length}`, m.pdu);
        if (m.stat === 0) m.stat = 1;
      }
      return ok(lines);
    }
    case '+CMGD': {
      if (cmd.form === 'test') return ok(['+CMGD: (1-50),(0-4)']);
      const i = intAt(cmd.params, 0);
      const flag = intAt(cmd.params, 1) ?? 0;
      if (i === undefined || flag > 4) return cmsError(s, 321);
      if (flag === 0) sim.store.delete(s.mems[0], i);
      else sim.store.deleteByFlag(s.mems[0], flag);
      return ok();
    }
    case '+CMGW': {
      const stat = intAt(cmd.params, 1) ?? 2;
      if (cmd.form !== 'set' || intAt(cmd.params, 0) === undefined) return cmsError(s, 304);
      return {
        lines: [],
        final: null,
        prompt: (body) => {
          if (body === null) return ok();
          if (!isHex(body)) return cmsError(s, 304);
          const length = intAt(cmd.params, 0)!;
          const index = sim.store.add(s.mems[1], body.toUpperCase(), length, stat);
          return index === null ? cmsError(s, 322) : ok([`+CMGW: ${index}`]);
        },
      };
    }
    case '+CMGS': {
      if (cmd.form !== 'set' || intAt(cmd.params, 0) === undefined) return cmsError(s, 304);
      return {
        lines: [],
        final: null,
        prompt: (body) => {
          if (body === null) return ok();
          if (!isHex(body)) return cmsError(s, 304);
          if (s.regStat !== 1) return cmsError(s, 331);
          return ok([`+CMGS: ${sim.recordSent(body.toUpperCase())}`]);
        },
      };
    }
    default:
      return undefined;
  }
}
