/** Operations: health and readiness, the public bootstrap config, request logging, errors, headers. */
export { registerErrorHandling } from './error-handler';
export { registerHealthRoutes } from './health-routes';
export { registerPublicConfigRoute } from './public-config-route';
export { registerRequestLogging } from './request-logging';
export { registerSecurityHeaders } from './security-headers';
export { registerMetricsRoute, type MetricsAccess } from './metrics-route';
export { registerJsonBodyParser } from './json-body-parser';
