// The management API and dashboard files for `cursor-relay serve`.
export { createManagementHandler, type ManagementHandler, type ManagementHandlerOptions } from "./handler.ts";
export { isLoopbackHost, keysEqual } from "./guards.ts";
export { MANAGEMENT_BODY_LIMIT } from "./respond.ts";
export { UI_CONTENT_SECURITY_POLICY, UI_PREFIX } from "./static-ui.ts";
