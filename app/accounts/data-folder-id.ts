// A data folder's identity: a random id kept in `<dataDir>/data-folder-id` (0600),
// created on first use. Keychain entries are scoped by it, so two data folders never
// read, overwrite or delete each other's secrets. A random id (not the folder's path)
// survives moving or renaming the folder; a copied folder shares its original's id.
import { randomBytes } from "node:crypto";
import { linkSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { RelayError } from "../base/errors.ts";
import { writeFileAtomic } from "../base/json-file.ts";

export const DATA_FOLDER_ID_FILE = "data-folder-id";
const ID = /^[0-9a-f]{24}$/;

export interface DataFolderId {
  id: string;
  /** True when the id was created by this call (the folder had none yet). */
  created: boolean;
}

function readId(path: string): string | null {
  let text: string;
  try {
    text = readFileSync(path, "utf8").trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
  if (!ID.test(text)) {
    throw new RelayError({
      kind: "config",
      status: 500,
      message: `${path} is damaged (expected 24 hex digits); restore it from a backup, or remove it and log in again`,
    });
  }
  return text;
}

export function dataFolderId(dataDir: string): DataFolderId {
  const path = join(dataDir, DATA_FOLDER_ID_FILE);
  const existing = readId(path);
  if (existing !== null) return { id: existing, created: false };
  // Written whole under a temporary name, then linked into place: link fails when another
  // process (a CLI command next to a running relay) created the id first, and then its id wins.
  const id = randomBytes(12).toString("hex");
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileAtomic(tmp, id + "\n");
  try {
    linkSync(tmp, path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    return { id: readId(path)!, created: false };
  } finally {
    rmSync(tmp, { force: true });
  }
  return { id, created: true };
}
