// An image sent inline as a `data:` URL (OpenAI chat image_url, Responses input_image).
// Only base64 images are taken; the head is read from a bounded prefix so a huge URL
// costs no regex time.
import type { ImageInput } from "../cursor/types.ts";
import { decodeBase64, invalid, quote } from "./validation.ts";

const DATA_URL_HEAD = /^data:([^;,]{1,100})((?:;[^;,]{0,100}){0,10}),/i;

/** True for a `data:` URL (any case); other URLs are remote and the relay fetches nothing. */
export const isDataUrl = (url: string): boolean => url.slice(0, 5).toLowerCase().startsWith("data:");

/** The image of a `data:` URL; a client mistake is a 400 naming urlPath. */
export function imageFromDataUrl(url: string, urlPath: string): ImageInput {
  const head = DATA_URL_HEAD.exec(url.slice(0, 1200));
  if (!head) throw invalid(urlPath, "malformed data: URL");
  const mimeType = (head[1] ?? "").toLowerCase();
  if (!mimeType.startsWith("image/")) throw invalid(urlPath, `expected an image data: URL, got ${quote(mimeType)}`);
  if (!/;base64$/i.test(head[2] ?? "")) throw invalid(urlPath, "only base64 data: URLs are supported for images");
  return { mimeType, data: decodeBase64(url.slice(head[0].length), urlPath) };
}
