/** Governance: who may do what. */
export { ROLES, isRole, roleAllows, type Role } from './roles.js';
/** API keys for the management API, stored hashed. */
export { ApiKeyRegistry, type ApiKey } from './api-keys.js';
