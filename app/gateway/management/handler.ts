// The management API (/v0/management/…) and the dashboard files (/ui) of
// `cursor-relay serve`, as one request handler the server tries before its other
// routes. Every action goes through the control contract: the same routes, the same
// validation and the same errors as the Electron IPC bridge.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ControlApi } from "../../base/control-api.ts";
import { MANAGEMENT_PREFIX, callAction, controlActions, httpInput, invalidArguments, matchHttpRoute } from "../../base/control-contract.ts";
import { RelayError, toRelayError } from "../../base/errors.ts";
import type { Logger } from "../../base/log.ts";
import { createEventStreams } from "./events.ts";
import { checkHost, checkManagementKey, checkOrigin } from "./guards.ts";
import { readJsonBody } from "../http/json-body.ts";
import { MethodNotAllowed, methodNotAllowed } from "../../base/router.ts";
import { MANAGEMENT_BODY_LIMIT, sendError, sendJson, sendNoContent } from "./respond.ts";
import { UI_PREFIX, createStaticUi } from "./static-ui.ts";

export interface ManagementHandlerOptions {
  control: ControlApi;
  /** Distinct from the relay key; the dashboard URL carries it in its fragment. */
  managementKey: string;
  /** The built renderer (dist/renderer), or null when there is none. */
  uiDir: string | null;
  logger: Logger;
  /** SSE keep-alive comment interval (default 15 s). */
  heartbeatMs?: number;
}

/** Resolves true when the request was ours (answered), false when another handler should take it. */
export type ManagementHandler = ((req: IncomingMessage, res: ServerResponse) => Promise<boolean>) & {
  /** Ends the open event streams (call before closing the server). */
  closeEventStreams(): void;
};

const MIN_KEY_LENGTH = 16;

export function createManagementHandler(options: ManagementHandlerOptions): ManagementHandler {
  const { control, managementKey, logger } = options;
  if (managementKey.length < MIN_KEY_LENGTH) {
    throw new RelayError({ kind: "config", status: 500, message: `the management key must be at least ${MIN_KEY_LENGTH} characters` });
  }
  logger.addSecret(managementKey);
  const streams = createEventStreams({ control, logger, heartbeatMs: options.heartbeatMs ?? 15_000 });
  const ui = createStaticUi(options.uiDir);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    let url: URL;
    try {
      url = new URL(req.url ?? "/", "http://management.invalid");
    } catch {
      return false;
    }
    const { pathname } = url;
    const isApi = pathname === MANAGEMENT_PREFIX.slice(0, -1) || pathname.startsWith(MANAGEMENT_PREFIX);
    const isUi = pathname === UI_PREFIX || pathname.startsWith(`${UI_PREFIX}/`);
    if (!isApi && !isUi) return false;

    const method = req.method ?? "GET";
    try {
      checkHost(req.headers);
      checkOrigin(req.headers);
      if (isUi) {
        await ui.serve(req, res, pathname, url.search);
        return true;
      }
      checkManagementKey(req.headers, managementKey);

      const route = matchHttpRoute(method, pathname.slice(MANAGEMENT_PREFIX.length));
      if (route.kind === "method_not_allowed") throw methodNotAllowed(method, pathname, route.allow);
      if (route.kind === "not_found") throw new RelayError({ kind: "not_found", status: 404, message: `no management route ${method} ${pathname}` });
      if (route.kind === "events") {
        await streams.open(res);
        return true;
      }
      const { name, params } = route;
      const body = method === "GET" ? undefined : await readJsonBody(req, { limitBytes: MANAGEMENT_BODY_LIMIT, required: false, requireJsonType: true });
      const input = httpInput(name, params, url.searchParams, body);
      if (!input.ok) throw invalidArguments(name, input.error);
      const result = await callAction(control, name, input.value);
      if (controlActions[name].status === 204) sendNoContent(res);
      else sendJson(res, 200, result);
    } catch (e) {
      const err = toRelayError(e);
      const headers: Record<string, string> = {};
      if (err.status === 401) headers["www-authenticate"] = 'Bearer realm="cursor-relay management"';
      if (err instanceof MethodNotAllowed) Object.assign(headers, err.headers);
      sendError(res, err, headers);
      if (err.status >= 500) logger.error("management request failed", { method, path: pathname, error: err.message });
    }
    return true;
  };

  return Object.assign(handle, { closeEventStreams: () => streams.closeAll() });
}
