// One-time tool: renders test/fixtures/cursor/agent-v1.FileDescriptorProto.bin (copied from the shared reference) as
// proto/agent/v1/agent.proto, so every name and field number comes from the real
// descriptor instead of being retyped. Only what the relay's root messages reach is kept
// (the subset the relay uses); services are left out: AgentService is declared in
// agent_service.proto over wire-compatible frame messages (see that file).
// Usage: node --import tsx scripts/descriptor-to-proto.ts <descriptor.bin> <out.proto>
import { readFileSync, writeFileSync } from "node:fs";
import { fromBinary, isFieldSet } from "@bufbuild/protobuf";
import {
  FileDescriptorProtoSchema,
  FieldDescriptorProtoSchema,
  FieldDescriptorProto_Type as T,
  FieldDescriptorProto_Label as L,
  type DescriptorProto,
  type EnumDescriptorProto,
  type FieldDescriptorProto,
} from "@bufbuild/protobuf/wkt";

const [inPath, outPath] = process.argv.slice(2);
if (!inPath || !outPath) throw new Error("usage: descriptor-to-proto <in.bin> <out.proto>");
const file = fromBinary(FileDescriptorProtoSchema, readFileSync(inPath));

const scalar: Partial<Record<T, string>> = {
  [T.DOUBLE]: "double", [T.FLOAT]: "float", [T.INT64]: "int64", [T.UINT64]: "uint64",
  [T.INT32]: "int32", [T.FIXED64]: "fixed64", [T.FIXED32]: "fixed32", [T.BOOL]: "bool",
  [T.STRING]: "string", [T.BYTES]: "bytes", [T.UINT32]: "uint32", [T.SFIXED32]: "sfixed32",
  [T.SFIXED64]: "sfixed64", [T.SINT32]: "sint32", [T.SINT64]: "sint64",
};

const pkgPrefix = `.${file.package}.`;
function typeName(f: FieldDescriptorProto): string {
  if (f.type === T.MESSAGE || f.type === T.ENUM) {
    return f.typeName.startsWith(pkgPrefix) ? f.typeName.slice(pkgPrefix.length) : f.typeName.replace(/^\./, "");
  }
  const s = scalar[f.type];
  if (!s) throw new Error(`unsupported field type ${f.type} on ${f.name}`);
  return s;
}

function renderEnum(e: EnumDescriptorProto, indent: string): string {
  const values = e.value.map((v) => `${indent}  ${v.name} = ${v.number};`).join("\n");
  return `${indent}enum ${e.name} {\n${values}\n${indent}}\n`;
}

function renderMessage(m: DescriptorProto, indent: string): string {
  const maps = new Map<string, DescriptorProto>();
  for (const n of m.nestedType) if (n.options?.mapEntry) maps.set(n.name, n);
  const lines: string[] = [];
  for (const n of m.nestedType) if (!n.options?.mapEntry) lines.push(renderMessage(n, indent + "  "));
  for (const e of m.enumType) lines.push(renderEnum(e, indent + "  "));
  const field = (f: FieldDescriptorProto, pad: string): string => {
    const entryName = f.typeName.split(".").pop() ?? "";
    const entry = f.type === T.MESSAGE ? maps.get(entryName) : undefined;
    if (entry && f.label === L.REPEATED) {
      const [k, v] = entry.field;
      if (!k || !v) throw new Error(`bad map entry ${entryName}`);
      return `${pad}map<${typeName(k)}, ${typeName(v)}> ${f.name} = ${f.number};`;
    }
    const label = f.label === L.REPEATED ? "repeated " : f.proto3Optional ? "optional " : "";
    return `${pad}${label}${typeName(f)} ${f.name} = ${f.number};`;
  };
  // Real oneofs (not the synthetic ones proto3 `optional` creates) group their fields.
  const emittedOneofs = new Set<number>();
  // proto2 descriptor fields default to 0, so presence decides whether a field is in a oneof.
  const oneofOf = (f: FieldDescriptorProto): number | undefined =>
    isFieldSet(f, FieldDescriptorProtoSchema.field.oneofIndex) && !f.proto3Optional ? f.oneofIndex : undefined;
  for (const f of m.field) {
    const oi = oneofOf(f);
    if (oi !== undefined) {
      if (emittedOneofs.has(oi)) continue;
      emittedOneofs.add(oi);
      const members = m.field.filter((g) => oneofOf(g) === oi);
      const name = m.oneofDecl[oi]?.name ?? `oneof_${oi}`;
      lines.push(`${indent}  oneof ${name} {\n${members.map((g) => field(g, indent + "    ")).join("\n")}\n${indent}  }`);
      continue;
    }
    lines.push(field(f, indent + "  "));
  }
  return `${indent}message ${m.name} {\n${lines.join("\n")}${lines.length ? "\n" : ""}${indent}}\n`;
}

const out: string[] = [
  "// Generated from the agent.v1 FileDescriptorProto by scripts/descriptor-to-proto.ts.",
  "// Names and field numbers are the real ones; do not renumber. AgentService lives in agent_service.proto.",
  'syntax = "proto3";',
  "",
  `package ${file.package};`,
  "",
];
for (const dep of file.dependency) out.push(`import "${dep}";`);
if (file.dependency.length) out.push("");
// Everything these messages reach, transitively, is what the relay and the fake use.
const roots = [
  "AgentClientMessage", "AgentServerMessage", "GetUsableModelsRequest", "GetUsableModelsResponse",
  "ConversationStateStructure", "ConversationTurnStructure", "AgentConversationTurnStructure",
  "ConversationStep", "UserMessage", "AssistantMessage",
];
const byName = new Map(file.messageType.map((m) => [m.name, m]));
const keep = new Set<string>();
const visit = (name: string): void => {
  if (keep.has(name)) return;
  keep.add(name);
  const m = byName.get(name);
  if (!m) return;
  for (const n of m.nestedType) for (const f of n.field) if (f.typeName) visit(f.typeName.replace(pkgPrefix, ""));
  for (const f of m.field) if (f.typeName) visit(f.typeName.replace(pkgPrefix, "").split(".")[0] ?? "");
};
roots.forEach(visit);
const enums = file.enumType.filter((e) => keep.has(e.name));
const messages = file.messageType.filter((m) => keep.has(m.name));
for (const e of enums) out.push(renderEnum(e, ""));
for (const m of messages) out.push(renderMessage(m, ""));
writeFileSync(outPath, out.join("\n"));
console.log(`wrote ${outPath}: ${messages.length} of ${file.messageType.length} messages, ${enums.length} of ${file.enumType.length} enums`);
