/** A JSON Schema, as far as building an example needs to read one. */
export interface Schema {
  $ref?: string;
  $defs?: Record<string, Schema>;
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  example?: unknown;
  examples?: unknown[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  properties?: Record<string, Schema>;
  items?: Schema;
}

const FORMAT_EXAMPLES: Record<string, string> = {
  uuid: "3f0c2a51-7d4e-4b8a-9a8e-2c1f5d6e7a90",
  "date-time": "2026-11-24T10:00:00Z",
  date: "2026-11-24",
  uri: "https://example.com/",
  email: "operator@example.com",
};

const MAX_DEPTH = 8;

function isSchema(value: unknown): value is Schema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function resolve(schema: Schema, root: Schema): Schema {
  const prefix = "#/$defs/";
  if (schema.$ref?.startsWith(prefix)) {
    const target = root.$defs?.[schema.$ref.slice(prefix.length)];
    if (target) return { ...target, ...withoutRef(schema) };
  }
  return schema;
}

function withoutRef(schema: Schema): Schema {
  const { $ref: _ref, ...rest } = schema;
  return rest;
}

function firstType(type: Schema["type"]): string | undefined {
  if (Array.isArray(type)) return type.find((name) => name !== "null") ?? type[0];
  return type;
}

function exampleAt(given: Schema, root: Schema, depth: number): unknown {
  const schema = resolve(given, root);
  if (schema.examples && schema.examples.length > 0) return schema.examples[0];
  if (schema.example !== undefined) return schema.example;
  if (schema.const !== undefined) return schema.const;
  if (schema.default !== undefined && schema.default !== null) return schema.default;
  if (schema.enum && schema.enum.length > 0) return schema.enum[0];
  if (depth > MAX_DEPTH) return null;
  const choices = schema.anyOf ?? schema.oneOf;
  if (choices) {
    const choice = choices.find((option) => firstType(resolve(option, root).type) !== "null") ?? choices[0];
    return choice ? exampleAt(choice, root, depth + 1) : null;
  }
  if (schema.allOf) {
    return exampleAt(Object.assign({}, ...schema.allOf.map((part) => resolve(part, root))), root, depth + 1);
  }
  switch (firstType(schema.type) ?? (schema.properties ? "object" : undefined)) {
    case "object":
      return Object.fromEntries(
        Object.entries(schema.properties ?? {}).map(([name, property]) => [name, exampleAt(property, root, depth + 1)]),
      );
    case "array":
      return schema.items ? [exampleAt(schema.items, root, depth + 1)] : [];
    case "string":
      return (schema.format && FORMAT_EXAMPLES[schema.format]) ?? "string";
    case "integer":
      return 1;
    case "number":
      return 1.5;
    case "boolean":
      return true;
    default:
      return null;
  }
}

/** An example value of a JSON Schema: the schema's own `examples` (or `example`, `const`,
 * `default`, first `enum` value) where it gives one, else one built from its properties. */
export function exampleOf(schema: unknown): unknown {
  return isSchema(schema) ? exampleAt(schema, schema, 0) : null;
}
