// OpenAI message content (a string or an array of parts) → text and images.
// Text parts are joined by joinTextParts. image_url parts with a base64 `data:` URL
// become ImageInputs; remote URLs are ignored (the relay does not fetch on a client's
// behalf). Audio, file and refusal parts are ignored; an unknown part type is a 400.
import type { ImageInput } from "../../cursor/types.ts";
import { imageFromDataUrl, isDataUrl } from "../data-url-image.ts";
import { joinTextParts } from "../join-text.ts";
import { at, describe, expectObject, expectString, invalid, isObject, own, quote } from "../validation.ts";

export interface PartsContent {
  text: string;
  images: ImageInput[];
}

const IGNORED_PARTS = new Set(["input_audio", "file", "refusal"]);

/**
 * @param allowImages false where images make no sense (system, assistant, tool): they are ignored there.
 * @param allowNull true for assistant content, which may be null next to tool_calls.
 */
export function parseContent(raw: unknown, path: string, allowImages: boolean, allowNull = false): PartsContent {
  if (typeof raw === "string") return { text: raw, images: [] };
  if ((raw === null || raw === undefined) && allowNull) return { text: "", images: [] };
  if (!Array.isArray(raw)) {
    throw invalid(path, raw === undefined ? "required (a string or an array of content parts)" : `expected a string or an array of content parts, got ${describe(raw)}`);
  }
  const texts: string[] = [];
  const images: ImageInput[] = [];
  raw.forEach((item: unknown, i) => {
    const partPath = at(path, i);
    const part = expectObject(item, partPath);
    const type = expectString(own(part, "type"), at(partPath, "type"));
    if (type === "text") texts.push(expectString(own(part, "text"), at(partPath, "text")));
    else if (type === "image_url") {
      const image = parseImageUrl(own(part, "image_url"), at(partPath, "image_url"));
      if (image && allowImages) images.push(image);
    } else if (!IGNORED_PARTS.has(type)) throw invalid(at(partPath, "type"), `unknown content part type ${quote(type)}`);
  });
  return { text: joinTextParts(texts), images };
}

function parseImageUrl(raw: unknown, path: string): ImageInput | null {
  const urlPath = isObject(raw) ? at(path, "url") : path;
  const url = expectString(isObject(raw) ? own(raw, "url") : raw, urlPath);
  if (!isDataUrl(url)) return null; // remote URL: ignored
  return imageFromDataUrl(url, urlPath);
}
