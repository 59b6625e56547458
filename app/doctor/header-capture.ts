// Records the headers of the doctor's own Cursor calls for the diagnostic bundle, with
// every credential removed on the way in (nothing secret is ever held, let alone written).
import type { Interceptor } from "@connectrpc/connect";

export interface CapturedCall {
  method: string;
  requestHeaders: Record<string, string>;
  responseHeaders: Record<string, string> | null;
}

const SECRET_NAME = /auth|token|key|cookie|secret|session|password|signature/i;
/** What a JWT looks like wherever it hides (the bundle scrubs its whole text with it too). */
export const JWT = /eyJ[\w-]+\.[\w-]+\.[\w-]+/g;
const BEARER = /\bBearer\s+\S+/gi;

/** A header value safe to show: credentials by name or by shape become `<redacted>`. */
export function redactHeader(name: string, value: string): string {
  if (SECRET_NAME.test(name)) return "<redacted>";
  return value.replace(BEARER, "Bearer <redacted>").replace(JWT, "<redacted>");
}

function plain(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => (out[name] = redactHeader(name, value)));
  return out;
}

export interface HeaderCapture {
  interceptor: Interceptor;
  calls(): CapturedCall[];
}

export function createHeaderCapture(limit = 10): HeaderCapture {
  const calls: CapturedCall[] = [];
  return {
    interceptor: (next) => async (req) => {
      const call: CapturedCall = { method: req.method.name, requestHeaders: plain(req.header), responseHeaders: null };
      calls.push(call);
      if (calls.length > limit) calls.shift();
      const res = await next(req);
      call.responseHeaders = plain(res.header);
      return res;
    },
    calls: () => calls.map((c) => ({ ...c })),
  };
}
