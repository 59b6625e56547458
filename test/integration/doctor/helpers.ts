// Runs `cursor-relay doctor` in-process (the real command, real sockets, the real secret
// store) against a relay harness and its fake Cursor, capturing what it prints.
import { doctorCommand, type DoctorDeps } from "../../../app/cli/doctor.ts";
import type { SelfTestReport } from "../../../app/base/control-api.ts";
import { haveKeyring, type Harness } from "../../support/relay-harness.ts";

export interface DoctorRun {
  code: number;
  out: string[];
  err: string[];
  text: string;
}

/**
 * The relay key goes in as CURSOR_RELAY_API_KEY: the keychain's `relay-key` entry is shared
 * by every harness in the test keyring, and one closing in a parallel test file deletes it.
 */
export async function doctor(h: Harness, args: string[] = [], deps: DoctorDeps = {}, env: NodeJS.ProcessEnv = { CURSOR_RELAY_API_KEY: h.key }): Promise<DoctorRun> {
  const out: string[] = [];
  const err: string[] = [];
  const argv = ["--data-dir", h.dataDir, "--cursor-api", h.fake.url, "--secret-store", haveKeyring ? "keychain" : "file", ...args];
  const code = await doctorCommand(argv, { out: (l) => out.push(l), err: (l) => err.push(l), env }, deps);
  return { code, out, err, text: out.join("\n") };
}

export async function doctorJson(h: Harness, args: string[] = [], deps: DoctorDeps = {}): Promise<{ code: number; report: SelfTestReport }> {
  const r = await doctor(h, ["--json", ...args], deps);
  return { code: r.code, report: JSON.parse(r.text) as SelfTestReport };
}

/** The one output line of a check, by its title's start. */
export function lineOf(r: DoctorRun, title: string): string {
  const line = r.out.find((l) => l.slice(2).startsWith(title));
  if (!line) throw new Error(`no line for ${JSON.stringify(title)} in:\n${r.text}`);
  return line;
}

/** The `next:` line right after a check's line. */
export function nextOf(r: DoctorRun, title: string): string {
  const i = r.out.indexOf(lineOf(r, title));
  return r.out[i + 1] ?? "";
}
