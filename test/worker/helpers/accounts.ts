import { exports } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { expect } from "vitest";
import { customers, emails } from "../../../src/db/schema.ts";
import type { Bindings } from "../../../src/env.ts";
import { nonceOfDedupeKey, signInToken } from "../../../src/services/accounts/sign-in.ts";
import { TEST_SESSION_SECRET } from "../../support/constants.ts";
import { fetchWithEnv } from "./app.ts";
import { ORIGIN } from "./checkout.ts";
import { db } from "./db.ts";

/** An address no other test uses. */
export const newAddress = () => `shopper-${crypto.randomUUID().slice(0, 8)}@example.com`;

/** A client address of its own (the per-client limit counts by it), in 198.18.0.0/15. */
export const newClientIp = () => {
	const [a = 0, b = 0] = crypto.getRandomValues(new Uint8Array(2));
	return `198.${18 + (a % 2)}.${b}.${(a >> 1) + 1}`;
};

/** A JSON POST from the shop's own pages (its Origin), through the worker. */
export function post(
	path: string,
	body: unknown,
	headers: Record<string, string> = {},
	vars?: Partial<Bindings>,
): Promise<Response> {
	const request = new Request(`${ORIGIN}${path}`, {
		method: "POST",
		redirect: "manual",
		// A client of its own each time, unless the test names one: no test shares the per-client count.
		headers: {
			"content-type": "application/json",
			origin: ORIGIN,
			"cf-connecting-ip": newClientIp(),
			...headers,
		},
		body: JSON.stringify(body),
	});
	return vars ? fetchWithEnv(request, vars) : exports.default.fetch(request);
}

/** The sign-in e-mails written for an address, oldest first. */
export const signInEmails = (address: string) =>
	db
		.select()
		.from(emails)
		.where(and(eq(emails.kind, "sign_in"), eq(emails.to, address)))
		.orderBy(emails.createdAt);

/** Asks for a link and returns its token as the e-mail will carry it (made again from the row's nonce). */
export async function askLink(
	address: string,
	headers: Record<string, string> = {},
): Promise<string> {
	const res = await post("/api/account/sign-in", { email: address }, headers);
	expect(res.status).toBe(202);
	const rows = await signInEmails(address.toLowerCase());
	const nonce = nonceOfDedupeKey(rows.at(-1)?.dedupeKey ?? "");
	if (!nonce) throw new Error("no sign-in e-mail written");
	return signInToken(TEST_SESSION_SECRET, nonce);
}

/** Signs in with a fresh link: the session cookie's value, the address and the customer's id. */
export async function signIn(address = newAddress()) {
	const token = await askLink(address);
	const res = await post("/api/account/session", { token });
	expect(res.status).toBe(200);
	const cookie = /account=([^;]+)/.exec(res.headers.get("set-cookie") ?? "")?.[1];
	if (!cookie) throw new Error("no session cookie");
	const [customer] = await db.select().from(customers).where(eq(customers.email, address));
	if (!customer) throw new Error("no customer made");
	return { cookie, address, customerId: customer.id };
}
