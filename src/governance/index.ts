/** Governance: who may do what. */
export { ROLES, isRole, roleAllows, type Role } from './roles.js';
/** API keys for the management API, stored hashed. */
export { ApiKeyRegistry, type ApiKey } from './api-keys.js';
/** The audit log of changes and exports. */
export {
  listAudit,
  pageAudit,
  recordAudit,
  type AuditEntry,
  type AuditPage,
  type AuditQuery,
  type AuditRow,
} from './audit.js';
