/**
 * The broker roles of DESIGN.md "Contracts" 2, in one table: `bcastd` (writes its device subtree, reads
 * `cmd/+` and `player/stkm`), `player` (reads status/keys/traffic and its own `player/tek` replies, writes
 * `player/stkm`), `tester` (reads everything but `player/#`, writes `cmd/+`). Anonymous clients get nothing.
 * The mosquitto ACL file and the embedded aedes' hooks are both derived from ROLE_GRANTS, so every broker
 * bcastd runs or documents enforces the same rules.
 */
export const ROLES = ['bcastd', 'player', 'tester'] as const;
export type Role = (typeof ROLES)[number];

/** `deny` overrides any read/write grant of the same role (mosquitto's `topic deny`). */
export type Access = 'read' | 'write' | 'deny';

/** A grant on a filter relative to `<prefix>/<deviceId>/`; `#` alone is the whole device subtree. */
export interface Grant {
  readonly access: Access;
  readonly filter: string;
}

export const ROLE_GRANTS: Readonly<Record<Role, readonly Grant[]>> = {
  bcastd: [
    { access: 'write', filter: '#' },
    { access: 'read', filter: 'cmd/+' },
    { access: 'read', filter: 'player/stkm' },
  ],
  player: [
    { access: 'read', filter: 'status' },
    { access: 'read', filter: 'keys/#' },
    { access: 'read', filter: 'traffic/#' },
    { access: 'write', filter: 'player/stkm' },
    // The only place TEK replies go (player/tek or a response topic below it): readable by the player alone.
    { access: 'read', filter: 'player/tek/#' },
  ],
  tester: [
    { access: 'read', filter: '#' },
    { access: 'deny', filter: 'player/#' },
    { access: 'write', filter: 'cmd/+' },
  ],
};

/** The grants of every role with absolute filters; `deviceId` '+' for a broker shared by several devices. */
export function absoluteGrants(topicPrefix: string, deviceId: string): Record<Role, Grant[]> {
  const out = {} as Record<Role, Grant[]>;
  for (const role of ROLES) out[role] = ROLE_GRANTS[role].map((g) => ({ access: g.access, filter: `${topicPrefix}/${deviceId}/${g.filter}` }));
  return out;
}

/** mosquitto's `acl_file` text for the roles (no `topic` lines outside a `user` block: anonymous gets nothing). */
export function mosquittoAcl(topicPrefix: string, deviceId: string): string {
  const grants = absoluteGrants(topicPrefix, deviceId);
  const lines = ['# bcastd broker roles (generated from src/mqtt/roles.ts); anonymous clients have no grant.'];
  for (const role of ROLES) {
    lines.push('', `user ${role}`);
    for (const g of grants[role]) lines.push(`topic ${g.access} ${g.filter}`);
  }
  return lines.join('\n') + '\n';
}

/** MQTT topic-filter matching of a concrete topic (MQTT 3.1.1 §4.7; `$`-topics never match a leading wildcard). */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  if (topic.startsWith('$') && (f[0] === '+' || f[0] === '#')) return false;
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

/** Whether some topic could match both filters (used to admit a subscription; delivery is checked per message). */
export function filtersOverlap(a: string, b: string): boolean {
  const x = a.split('/');
  const y = b.split('/');
  for (let i = 0; ; i++) {
    const p = x[i];
    const q = y[i];
    if (p === '#' || q === '#') return true;
    if (p === undefined || q === undefined) return p === q;
    if (p !== '+' && q !== '+' && p !== q) return false;
  }
}

/** A role's verdict on publishing to or receiving a concrete topic: a matching deny wins. */
export function allowed(grants: readonly Grant[], access: 'read' | 'write', topic: string): boolean {
  if (grants.some((g) => g.access === 'deny' && topicMatches(g.filter, topic))) return false;
  return grants.some((g) => g.access === access && topicMatches(g.filter, topic));
}

/** Whether a role may subscribe to a filter: it overlaps something it may read. */
export function maySubscribe(grants: readonly Grant[], filter: string): boolean {
  return grants.some((g) => g.access === 'read' && filtersOverlap(g.filter, filter));
}
