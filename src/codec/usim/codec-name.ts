/** The name this codec reports in DecodeError / EncodeError. */
import type { CodecName } from '../errors.js';

export const USIM_CODEC: CodecName = 'usim';
