/** What a modem profile says about a module: data, plus the few hooks that need the board's values. */
import type { ModemProfile } from '../options.js';
import type { RegCommand } from '../../codec/at/index.js';
import type { BootUrc } from '../boot-urcs.js';
import type { TimeoutOverrides } from '../timeouts.js';

export interface ProfileCommand {
  readonly command: string;
  /** True when the module may refuse it in some configurations (logged, not fatal). */
  readonly optional: boolean;
  /** Why it is sent (and where the command is documented). */
  readonly why: string;
}

export interface ProfileContext {
  /** The AT port path (some modules route URCs per port). */
  readonly port: string;
  readonly cid: number;
}

export interface ModemProfileSpec {
  readonly name: ModemProfile;
  readonly description: string;
  /** Extra initialisation after ATE0 and AT+CMEE=1 (URC port routing, vendor switches). */
  init(ctx: ProfileContext): readonly ProfileCommand[];
  /** Boot indications beyond the generic BOOT_URCS. */
  readonly bootUrcs: readonly BootUrc[];
  readonly sms: {
    /** How a routed +CMT is acknowledged when AT+CSMS=1 is in force. */
    readonly cnma: string;
    /** Preferred message storage for AT+CPMS (read/delete, write, receive). */
    readonly storage: 'SM' | 'ME' | 'MT';
  };
  /** Registration reports to enable (`AT+CxREG=2`) and poll. */
  readonly registration: readonly RegCommand[];
  /** Data interface bring-up after AT+CGACT=1 and tear-down before AT+CGACT=0. */
  dataUp(ctx: ProfileContext): readonly ProfileCommand[];
  dataDown(ctx: ProfileContext): readonly ProfileCommand[];
  readonly timeouts?: TimeoutOverrides;
}
