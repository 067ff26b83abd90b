/** Modem profiles by the name the board config uses (`modem.profile`). */
import type { ModemProfile } from '../options.js';
import { genericProfile } from './generic.js';
import { quectelEc25Profile } from './quectel-ec25.js';
import { simProfile } from './sim.js';
import { simcomSim7600Profile } from './simcom-sim7600.js';
import type { ModemProfileSpec } from './types.js';
import { ubloxTobyL2Profile } from './ublox-toby-l2.js';

export type { ModemProfileSpec, ProfileCommand, ProfileContext } from './types.js';

export const MODEM_PROFILE_SPECS: Readonly<Record<ModemProfile, ModemProfileSpec>> = {
  generic: genericProfile,
  'quectel-ec25': quectelEc25Profile,
  'simcom-sim7600': simcomSim7600Profile,
  'ublox-toby-l2': ubloxTobyL2Profile,
  sim: simProfile,
};

export function modemProfile(name: ModemProfile): ModemProfileSpec {
  return MODEM_PROFILE_SPECS[name];
}
