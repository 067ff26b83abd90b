// The MBMS User Service IDs a terminal registers for. CR 5.1.6.7 [R]: a configured service ID is
// GlobalPurchaseItemID || PurchaseDataReference; with none configured, the terminal registers for urn:allServices.
// This is the one place that turns a pair into the serviceID string sent to the BSM.
import { ALL_SERVICES } from '../codec/index.js';

/** One purchased item as the board config names it (both parts from the Service Guide's Purchase fragments). */
export interface PurchaseItemRef {
  globalPurchaseItemId: string;
  purchaseDataReference: string;
}

/**
 * `||` is concatenation [R]: the two strings joined as they are, no separator added (the Service Guide's values
 * are carried verbatim; a BSM compares the serviceID as a string).
 */
export function serviceIdOf(p: PurchaseItemRef): string {
  return `${p.globalPurchaseItemId}${p.purchaseDataReference}`;
}

/** The configured list as service IDs, in order, without repeats; [urn:allServices] when nothing is configured. */
export function configuredServiceIds(pairs: readonly PurchaseItemRef[]): string[] {
  return pairs.length === 0 ? [ALL_SERVICES] : [...new Set(pairs.map(serviceIdOf))];
}
