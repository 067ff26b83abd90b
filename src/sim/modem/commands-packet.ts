/** Registration and packet domain (27.007 §7.2, §10.1): +CREG/+CGREG/+CEREG, +CGDCONT, +CGACT, +CGPADDR, +CGEREP. */
import type { SimCore } from './core.js';
import { intAt, type ParsedCommand } from './parse-command.js';
import { cmeError, ok, type Reply } from './replies.js';

const TAC = '1A2B';
const CI = '01A2B3C4';
const ACT_EUTRAN = 7;
const REG_MAX: Record<'+CREG' | '+CGREG' | '+CEREG', number> = { '+CREG': 3, '+CGREG': 4, '+CEREG': 5 };

/** `<stat>[,<lac/tac>,<ci>,<AcT>]` as a +CxREG line with URC mode `n` reports it. */
export function registrationFields(stat: number, n: number): string {
  return n >= 2 && (stat === 1 || stat === 5) ? `${stat},"${TAC}","${CI}",${ACT_EUTRAN}` : `${stat}`;
}

export function handlePacket(cmd: ParsedCommand, sim: SimCore): Reply | undefined {
  const s = sim.state;
  switch (cmd.name) {
    case '+CREG':
    case '+CGREG':
    case '+CEREG': {
      const name = cmd.name;
      if (cmd.form === 'read') return ok([`${name}: ${s.reg[name]},${registrationFields(s.regStat, s.reg[name])}`]);
      if (cmd.form === 'test') return ok([`${name}: (0-${Math.min(2, REG_MAX[name])})`]);
      const n = intAt(cmd.params, 0);
      if (n === undefined || n > 2) return cmeError(s, 50);
      s.reg[name] = n;
      return ok();
    }
    case '+CGEREP': {
      if (cmd.form === 'read') return ok([`+CGEREP: ${s.cgerep.mode},${s.cgerep.bfr}`]);
      if (cmd.form === 'test') return ok(['+CGEREP: (0-2),(0,1)']);
      const mode = intAt(cmd.params, 0);
      const bfr = intAt(cmd.params, 1) ?? 0;
      if (mode === undefined || mode > 2 || bfr > 1) return cmeError(s, 50);
      s.cgerep = { mode, bfr };
      return ok();
    }
    case '+CGDCONT': {
      if (cmd.form === 'read') {
        return ok([...s.contexts.values()].map((c) => `+CGDCONT: ${c.cid},"${c.type}","${c.apn}","0.0.0.0",0,0`));
      }
      if (cmd.form === 'test') return ok(['+CGDCONT: (1-24),"IP",,,(0-2),(0-4)', '+CGDCONT: (1-24),"IPV4V6",,,(0-2),(0-4)']);
      const cid = intAt(cmd.params, 0);
      if (cid === undefined || cid < 1 || cid > 24) return cmeError(s, 50);
      if (cmd.params.length === 1) {
        s.contexts.delete(cid);
        return ok();
      }
      const type = cmd.params[1]?.value ?? 'IP';
      if (!['IP', 'IPV6', 'IPV4V6'].includes(type.toUpperCase())) return cmeError(s, 50);
      const existing = s.contexts.get(cid);
      if (existing?.active) return cmeError(s, 3);
      s.contexts.set(cid, { cid, type: type.toUpperCase(), apn: cmd.params[2]?.value ?? '', active: false, address: null });
      return ok();
    }
    case '+CGACT': {
      if (cmd.form === 'read') return ok([...s.contexts.values()].map((c) => `+CGACT: ${c.cid},${c.active ? 1 : 0}`));
      if (cmd.form === 'test') return ok(['+CGACT: (0,1)']);
      const state = intAt(cmd.params, 0);
      const cid = intAt(cmd.params, 1);
      if (state === undefined || state > 1) return cmeError(s, 50);
      const targets = cid === undefined ? [...s.contexts.values()] : [s.contexts.get(cid)];
      if (targets.some((c) => c === undefined)) return cmeError(s, 143);
      if (state === 0) {
        for (const c of targets) Object.assign(c!, { active: false, address: null });
        return ok();
      }
      if (s.regStat !== 1) return cmeError(s, 30);
      const failure = sim.takeActivationFailure();
      if (failure !== null) return cmeError(s, failure);
      for (const c of targets) Object.assign(c!, { active: true, address: sim.pdpAddress });
      return ok();
    }
    case '+CGPADDR': {
      if (cmd.form === 'test') return ok([`+CGPADDR: (${[...s.contexts.keys()].join(',')})`]);
      const cid = intAt(cmd.params, 0);
      const list = cid === undefined ? [...s.contexts.values()] : [s.contexts.get(cid)];
      if (list.some((c) => c === undefined)) return cmeError(s, 143);
      return ok(list.map((c) => `+CGPADDR: ${c!.cid},"${c!.active && c!.address ? c!.address : '0.0.0.0'}"`));
    }
    case '+CGATT':
      if (cmd.form === 'read') return ok([`+CGATT: ${s.regStat === 1 ? 1 : 0}`]);
      return cmd.form === 'test' ? ok(['+CGATT: (0,1)']) : ok();
    default:
      return undefined;
  }
}
