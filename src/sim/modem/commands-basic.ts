/** V.250 basics and identification: AT, ATE, ATI, ATZ, AT&F, +CMEE, +CGMI/+CGMM/+CGMR/+CGSN, +CPIN, +CFUN, +CSQ. */
import type { SimCore } from './core.js';
import { intAt, type ParsedCommand } from './parse-command.js';
import { cmeError, error, ok, type Reply } from './replies.js';

export function handleBasic(cmd: ParsedCommand, sim: SimCore): Reply | undefined {
  const s = sim.state;
  switch (cmd.name) {
    case 'AT':
      return ok();
    case 'E':
      if (cmd.args === '' || cmd.args === '0') s.echo = false;
      else if (cmd.args === '1') s.echo = true;
      else return error();
      return ok();
    case 'I':
      return ok([sim.identity.manufacturer, sim.identity.model, `Revision: ${sim.identity.revision}`]);
    case 'Z':
    case '&F':
      s.cmee = 0;
      return ok();
    case 'V':
    case 'Q':
      return cmd.args === '' || cmd.args === (cmd.name === 'V' ? '1' : '0') ? ok() : error();
    case '+CMEE': {
      if (cmd.form === 'read') return ok([`+CMEE: ${s.cmee}`]);
      if (cmd.form === 'test') return ok(['+CMEE: (0-2)']);
      const n = intAt(cmd.params, 0);
      if (n === undefined || n > 2) return error();
      s.cmee = n;
      return ok();
    }
    case '+CGMI':
    case '+GMI':
      return ok([sim.identity.manufacturer]);
    case '+CGMM':
    case '+GMM':
      return ok([sim.identity.model]);
    case '+CGMR':
    case '+GMR':
      return ok([sim.identity.revision]);
    case '+CGSN':
    case '+GSN':
      return ok([sim.identity.imei]);
    case '+CPIN':
      if (cmd.form === 'read') return ok(['+CPIN: READY']);
      if (cmd.form === 'test') return ok();
      return cmeError(s, 3);
    case '+CSQ':
      return ok([s.regStat === 1 ? '+CSQ: 20,99' : '+CSQ: 99,99']);
    case '+CFUN': {
      if (cmd.form === 'read') return ok([`+CFUN: ${s.cfun}`]);
      if (cmd.form === 'test') return ok(['+CFUN: (0,1,4),(0,1)']);
      const fun = intAt(cmd.params, 0);
      const rst = intAt(cmd.params, 1) ?? 0;
      if (fun === undefined || ![0, 1, 4].includes(fun)) return cmeError(s, 50);
      if (rst === 1) return ok([], () => sim.reboot());
      const before = s.regStat;
      s.cfun = fun;
      if (fun !== 1) for (const c of s.contexts.values()) Object.assign(c, { active: false, address: null });
      return ok([], () => {
        if (s.regStat !== before) sim.registrationUrcs();
      });
    }
    default:
      return undefined;
  }
}
