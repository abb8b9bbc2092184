import { readFileSync } from "node:fs";
import { expect } from "vitest";

// Stripe's published fixtures, copied unchanged, beside the emulator's tests (the shop's tests
// and benchmarks read them from here too).
const FIXTURES = new URL("../fixtures/stripe/", import.meta.url);

type JsonKind = "string" | "number" | "boolean" | "object" | "array" | "null";

/** The JSON type of a value, telling arrays from objects. */
export function jsonKind(value: unknown): JsonKind {
	if (value === null || value === undefined) return "null";
	if (Array.isArray(value)) return "array";
	const kind = typeof value;
	if (kind === "string" || kind === "number" || kind === "boolean") return kind;
	return "object";
}

/** One of Stripe's fixture objects (`checkout.session`, `payment_intent`, …). */
export function readFixture(name: string): Record<string, unknown> {
	return JSON.parse(readFileSync(new URL(`${name}.json`, FIXTURES), "utf8")) as Record<
		string,
		unknown
	>;
}

/**
 * Where `actual` differs from Stripe's fixture: a top-level key missing, or a value whose JSON
 * type differs from the fixture's (nulls on either side are allowed: Stripe sends null often).
 * `removed`: the fixture's fields the pinned API version no longer has (stripe-node's types
 * say so), which the emulator must not send.
 */
export function shapeDifferences(
	actual: object,
	fixtureName: string,
	removed: readonly string[] = [],
): string[] {
	const fixture = readFixture(fixtureName);
	const differences: string[] = [];
	for (const key of removed) {
		if (key in actual) differences.push(`"${key}" was removed from the pinned API`);
	}
	for (const [key, expected] of Object.entries(fixture)) {
		if (removed.includes(key)) continue;
		if (!(key in actual)) {
			differences.push(`missing "${key}"`);
			continue;
		}
		const value: unknown = Reflect.get(actual, key);
		const want = jsonKind(expected);
		const got = jsonKind(value);
		if (want !== "null" && got !== "null" && want !== got) {
			differences.push(`"${key}" is ${got}, Stripe sends ${want}`);
		}
	}
	return differences;
}

/** Asserts that an object has the fields and value types of Stripe's fixture (less `removed`). */
export function expectStripeShape(
	actual: object,
	fixtureName: string,
	removed: readonly string[] = [],
): void {
	expect(
		shapeDifferences(actual, fixtureName, removed),
		`${fixtureName} differs from Stripe's fixture`,
	).toEqual([]);
}
