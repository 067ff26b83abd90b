// The string formats the board config schema uses, as functions: ajv's standalone validator
// (board-validator.generated.ts) calls these by name.
import { isIPv4, isIPv6 } from 'node:net';

export function regex(s: string): boolean {
  try {
    new RegExp(s);
    return true;
  } catch {
    return false;
  }
}

export const uri = (s: string): boolean => URL.canParse(s);
export const ipv4 = (s: string): boolean => isIPv4(s);
export const ipv6 = (s: string): boolean => isIPv6(s);
