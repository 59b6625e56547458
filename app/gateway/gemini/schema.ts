// Gemini's schema dialect (an OpenAPI 3.0 subset: `type: "OBJECT"`, `nullable`, int64
// limits as strings, `propertyOrdering`) → JSON Schema, which is what Cursor is given for
// every client tool. Unknown keys are kept (they are harmless annotations to a model);
// keys JSON Schema does not know are dropped. Already-lowercase types pass unchanged,
// so a JSON Schema sent by mistake in `parameters` still reads right.
import { at, describe, invalid, isObject, type JsonObject } from "../validation.ts";

const TYPES: ReadonlyMap<string, string> = new Map([
  ["STRING", "string"],
  ["NUMBER", "number"],
  ["INTEGER", "integer"],
  ["BOOLEAN", "boolean"],
  ["ARRAY", "array"],
  ["OBJECT", "object"],
  ["NULL", "null"],
]);

const NUMERIC_KEYS = new Set(["minItems", "maxItems", "minLength", "maxLength", "minProperties", "maxProperties"]);
const DROPPED_KEYS = new Set(["nullable", "propertyOrdering", "example"]);

/** An own data property even for a `__proto__` key (a plain assignment would set the prototype). */
function put(obj: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

export function geminiSchemaToJsonSchema(raw: unknown, path: string): JsonObject {
  if (!isObject(raw)) throw invalid(path, `expected a schema object, got ${describe(raw)}`);
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(raw)) {
    if (DROPPED_KEYS.has(key)) continue;
    const p = at(path, key);
    if (key === "type") {
      if (typeof value !== "string") throw invalid(p, `expected a type name, got ${describe(value)}`);
      if (value.toUpperCase() === "TYPE_UNSPECIFIED") continue;
      out.type = TYPES.get(value.toUpperCase()) ?? value;
    } else if (key === "properties") {
      if (!isObject(value)) throw invalid(p, `expected an object, got ${describe(value)}`);
      const props: JsonObject = {};
      for (const [name, sub] of Object.entries(value)) put(props, name, geminiSchemaToJsonSchema(sub, at(p, name)));
      out.properties = props;
    } else if (key === "items") {
      out.items = geminiSchemaToJsonSchema(value, p);
    } else if (key === "anyOf") {
      if (!Array.isArray(value)) throw invalid(p, `expected an array, got ${describe(value)}`);
      out.anyOf = value.map((sub, i) => geminiSchemaToJsonSchema(sub, at(p, i)));
    } else if (NUMERIC_KEYS.has(key) && typeof value === "string" && /^\d+$/.test(value)) {
      put(out, key, Number(value));
    } else {
      put(out, key, value);
    }
  }
  if (raw.nullable === true) {
    if (typeof out.type === "string") out.type = [out.type, "null"];
    else if (out.anyOf !== undefined) (out.anyOf as unknown[]).push({ type: "null" });
  }
  return out;
}
