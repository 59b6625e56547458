import { randomBytes } from "node:crypto";

/** A fresh Anthropic-style message id. */
export const newMessageId = (): string => `msg_relay_${randomBytes(12).toString("base64url")}`;
