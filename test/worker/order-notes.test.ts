/**
 * The owner's day one (SPEC 17): a private note on an order, kept in its
 * history; an e-mail sent again to a corrected address, recorded in the outbox
 * beside the first one.
 */
import { exports } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { emails } from "../../src/db/schema.ts";
import { resendEmail } from "../../src/services/emails/delivery.ts";
import { adminRequest as admin } from "./helpers/admin.ts";
import { ORIGIN } from "./helpers/checkout.ts";
import { db, dbq, insertOrder, pendingEmail, testDeps } from "./helpers/db.ts";

type Note = { id: number; text: string; by: string; at: string };

describe("a note on an order", () => {
	it("is kept in the order's history, oldest first, with who wrote it", async () => {
		const order = await insertOrder({ status: "paid", paidAt: Date.now() });
		const first = await admin(`/orders/${order.id}/notes`, {
			method: "POST",
			body: { text: "  Called the customer: leave it with the neighbour.  " },
		});
		expect(first.status).toBe(200);
		const note = await first.json<Note>();
		expect(note).toMatchObject({ text: "Called the customer: leave it with the neighbour." });
		expect(note.by).toMatch(/^admin-token:[0-9a-f]{8}$/);
		await admin(`/orders/${order.id}/notes`, { method: "POST", body: { text: "Parcel left." } });
		const detail = await (await admin(`/orders/${order.id}`)).json<{ notes: Note[] }>();
		expect(detail.notes.map((n) => n.text)).toEqual([
			"Called the customer: leave it with the neighbour.",
			"Parcel left.",
		]);
		// Private: the shopper's view of the order never carries it.
		const shopper = await (await exports.default.fetch(`${ORIGIN}/api/orders/${order.id}`)).text();
		expect(shopper).not.toContain("neighbour");
	});

	it.each([
		[{ text: "" }, 400, "invalid_request"],
		[{ text: "x".repeat(2001) }, 400, "invalid_request"],
		[{ note: "hello" }, 400, "invalid_request"],
	])("refuses %o, and writes nothing", async (body, status, code) => {
		const order = await insertOrder({ status: "paid", paidAt: Date.now() });
		const res = await admin(`/orders/${order.id}/notes`, { method: "POST", body });
		expect(res.status).toBe(status);
		expect((await res.json<{ error: { code: string } }>()).error.code).toBe(code);
		const detail = await (await admin(`/orders/${order.id}`)).json<{ notes: Note[] }>();
		expect(detail.notes).toEqual([]);
	});

	it("answers 404 for an order it does not know, 401 without the token", async () => {
		const missing = await admin(`/orders/${crypto.randomUUID()}/notes`, {
			method: "POST",
			body: { text: "Lost?" },
		});
		expect(missing.status).toBe(404);
		const order = await insertOrder({ status: "paid", paidAt: Date.now() });
		const refused = await admin(`/orders/${order.id}/notes`, {
			method: "POST",
			body: { text: "Sneaky" },
			token: "wrong",
		});
		expect(refused.status).toBe(401);
		expect((await (await admin(`/orders/${order.id}`)).json<{ notes: Note[] }>()).notes).toEqual(
			[],
		);
	});
});

describe("an e-mail sent again to a corrected address", () => {
	it("is a new e-mail of the outbox, to that address, recorded as a resend of the first, which stays as it was", async () => {
		const { id, order } = await pendingEmail("order_confirmation", "fr");
		await db.update(emails).set({ status: "sent", sentAt: Date.now() }).where(eq(emails.id, id));
		const queued: string[] = [];
		const deps = testDeps({ enqueueEmails: async (ids) => void queued.push(...ids) });
		const copy = await resendEmail(deps, id, "ada.lovelace@example.com");
		expect(copy).toMatchObject({
			orderId: order.id,
			kind: "order_confirmation",
			to: "ada.lovelace@example.com",
			locale: "fr",
			status: "pending",
			resendOf: id,
		});
		expect(copy.id).not.toBe(id);
		expect(queued).toEqual([copy.id]);
		const first = await dbq.query.emails.findFirst({ where: eq(emails.id, id) });
		expect(first).toMatchObject({ to: "ada@example.com", status: "sent", resends: 0 });
		// A second correction is another e-mail again.
		const again = await resendEmail(deps, id, "ada@lovelace.example");
		expect(again.id).not.toBe(copy.id);
		const listed = await (await admin(`/emails?orderId=${order.id}`)).json<{
			emails: { to: string; resendOf: string | null }[];
		}>();
		expect(listed.emails.map((e) => [e.to, e.resendOf]).sort()).toEqual(
			[
				["ada@example.com", null],
				["ada.lovelace@example.com", id],
				["ada@lovelace.example", id],
			].sort(),
		);
	});

	it("is the same e-mail again when the address is the same, through the API too", async () => {
		const { id } = await pendingEmail();
		await db.update(emails).set({ status: "failed" }).where(eq(emails.id, id));
		const res = await admin(`/emails/${id}/resend`, {
			method: "POST",
			body: { to: "ada@example.com" },
		});
		expect(await res.json()).toMatchObject({ id, status: "pending", resendOf: null });
	});

	it.each([
		["two@example.com, three@example.com"],
		["Ada <ada@example.com>"],
		["ada@example.com\r\nBcc: x@evil.example"],
		[""],
	])("refuses %j, naming to, and sends nothing", async (to) => {
		const { id, order } = await pendingEmail();
		await db.update(emails).set({ status: "sent" }).where(eq(emails.id, id));
		const res = await admin(`/emails/${id}/resend`, { method: "POST", body: { to } });
		expect(res.status).toBe(400);
		const { error } = await res.json<{ error: { code: string; field: string } }>();
		expect(error).toMatchObject({ code: "invalid_request", field: "to" });
		const rows = await db.select().from(emails).where(eq(emails.orderId, order.id));
		expect(rows.map((r) => [r.id, r.status])).toEqual([[id, "sent"]]);
	});
});
