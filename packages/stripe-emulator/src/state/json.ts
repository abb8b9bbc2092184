/** A JSON value as it goes over the wire. */
export type Json = string | number | boolean | null | Json[] | JsonObject;

/** A JSON object as it goes over the wire. */
export type JsonObject = { [key: string]: Json };

/** Narrows a JSON value to an object (not an array, not null). */
export function isJsonObject(value: Json | undefined): value is JsonObject {
	return typeof value === "object" && value !== null && !Array.isArray(value);
}
