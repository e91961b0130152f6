/**
 * Validation of node data: the node's Standard Schema, then the JSON check, so that a value the
 * storage would refuse (a Date, a BigInt) fails when the transition is made, not when it is saved.
 *
 * @module
 */
import type { StandardSchemaV1 } from "@standard-schema/spec";
import { NonJsonValueError, SchemaError, type SchemaIssueSummary } from "../errors.js";
import { assertJson, type JsonValue } from "../json.js";

function formatPath(path: StandardSchemaV1.Issue["path"]): string {
  let text = "$";
  for (const part of path ?? []) {
    const key = typeof part === "object" ? part.key : part;
    text += typeof key === "number" ? `[${key}]` : `.${String(key)}`;
  }
  return text;
}

/**
 * Validates `value` with `schema` and returns the schema's output, which must be plain JSON.
 * Throws {@link SchemaError} naming `subject` on either failure.
 */
export async function validateData<D>(
  schema: StandardSchemaV1<unknown, D>,
  value: unknown,
  subject: string,
): Promise<D & JsonValue> {
  const result = await schema["~standard"].validate(value);
  if (result.issues !== undefined) {
    const issues: SchemaIssueSummary[] = result.issues.map((issue) => ({
      message: issue.message,
      path: formatPath(issue.path),
    }));
    throw new SchemaError(subject, issues);
  }
  try {
    assertJson(result.value);
  } catch (error) {
    if (!(error instanceof NonJsonValueError)) throw error;
    throw new SchemaError(subject, [{ message: error.message, path: error.path }]);
  }
  return result.value as D & JsonValue;
}
