/**
 * The model servers Astra talks to: a registry kept in memory for the hot path and in step across
 * processes (`openConnectionRegistry`), a pooled HTTP dispatcher per server origin, and the admin
 * routes under /api/v1/connections (`registerConnectionRoutes`), including reaching a server to
 * verify it (`verifyConnection`).
 */
export { openConnectionRegistry, connectionsChangedChannel, type ConnectionRegistryOptions } from './registry';
export type { Connection, ConnectionChanges, ConnectionInput, ConnectionKind, ConnectionRegistry } from './types';
export { registerConnectionRoutes } from './connections-routes';
export { connectionView, maskApiKey, type ConnectionView } from './connection-view';
export { verifyConnection, modelListUrl, type VerifyResult, type VerifyTarget } from './verify-connection';
export { describeFailure, describeTimeout, type FailurePhase, type RequestProgress } from './describe-failure';
export { upstreamConnectTimeoutMs } from './upstream-pools';
export { LoadBalancer } from './load-balancer';
