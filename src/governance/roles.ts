/**
 * Roles, from least to most privileged. A route declares the least role that may call it:
 * viewer reads dashboards and profiles, analyst also reads raw data and runs analyses,
 * marketer also changes audiences, tags and journeys, admin also manages sources, keys and users.
 */
export const ROLES = ['viewer', 'analyst', 'marketer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v);
}

/** True when `held` is at least as privileged as `required`. */
export function roleAllows(held: Role, required: Role): boolean {
  return ROLES.indexOf(held) >= ROLES.indexOf(required);
}
