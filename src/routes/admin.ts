import type { Context, MiddlewareHandler } from "hono";
import { Hono } from "hono";
import { validator } from "hono/validator";
import * as v from "valibot";
import { firstIssue } from "../domain/cart.ts";
import {
	issueField,
	newProductSchema,
	parseStockChange,
	productPatchSchema,
} from "../domain/product.ts";
import { newShippingRateSchema, shippingRatePatchSchema } from "../domain/shipping-rate.ts";
import { infoPageSchema, shopIdentitySchema } from "../domain/shop.ts";
import {
	EMAIL_STATUSES,
	ORDER_STATUSES,
	SUBSCRIPTION_STATUSES,
	WEBHOOK_RESULTS,
} from "../domain/vocabulary.ts";
import { loadCatalogues } from "../i18n/catalogues.ts";
import { isSingleAddress } from "../lib/email-address.ts";
import { AppError, orderNotFound } from "../lib/errors.ts";
import { bearerToken, sameToken } from "../lib/secret-compare.ts";
import { DAY_MS } from "../lib/time.ts";
import { packingSlips } from "../pages/packing-slip.ts";
import { dashboard } from "../services/admin/dashboard.ts";
import { invalidAmount, invalidRequest } from "../services/admin/errors.ts";
import {
	addOrderNote,
	DEFAULT_PAGE_SIZE,
	decodeCursor,
	forceSync,
	fulfillOrder,
	listOrders,
	MAX_PAGE_SIZE,
	orderDetail,
	ordersWithItems,
} from "../services/admin/orders.ts";
import { ordersCsv } from "../services/admin/orders-csv.ts";
import {
	listAlerts,
	listWebhookEvents,
	replayWebhookEvent,
	webhookHealth,
} from "../services/admin/webhooks.ts";
import {
	actorOf,
	changeStock,
	createProduct,
	invalidProduct,
	listAllProducts,
	productDetail,
	updateProduct,
} from "../services/catalog/catalog-admin.ts";
import {
	MAX_FILE_BYTES,
	removeProductFile,
	setProductFile,
} from "../services/catalog/product-file.ts";
import { setProductImage } from "../services/catalog/product-image.ts";
import {
	createShippingRate,
	invalidShippingRate,
	listShippingRates,
	shippingRateDetail,
	updateShippingRate,
} from "../services/catalog/shipping-rates-admin.ts";
import { listEmails, resendEmail } from "../services/emails/delivery.ts";
import { MAX_IMAGE_BYTES } from "../services/media/images.ts";
import { issueDownloads } from "../services/orders/delivery.ts";
import { findOrderWithItems } from "../services/orders/orders.ts";
import { REFUND_REASONS, type RefundInput, refundOrder } from "../services/payments/refunds.ts";
import { identityBody, saveShopIdentity, shopIdentity } from "../services/shop/identity.ts";
import { allInfoPages, isInfoPage, saveInfoPage } from "../services/shop/info-pages.ts";
import { setShopLogo } from "../services/shop/logo.ts";
import {
	cancelSubscription,
	listSubscriptions,
	recurringRevenue,
	subscriptionDetail,
} from "../services/subscriptions/view.ts";
import type { AppEnv } from "./app-env.ts";
import { idempotency, parsedInput } from "./idempotency.ts";
import { bodyKind, limitBody } from "./request-guards.ts";

/**
 * Operator API under /admin. Without a configured ADMIN_TOKEN it does not
 * exist (404 everywhere); otherwise every request needs `Authorization:
 * Bearer <ADMIN_TOKEN>`. Answers are never cached.
 */
const adminAuth: MiddlewareHandler<AppEnv> = async (c, next) => {
	const expected = c.var.config.adminToken;
	if (!expected) return c.notFound();
	c.header("Cache-Control", "no-store");
	const given = bearerToken(c.req.header("Authorization"));
	if (!given || !(await sameToken(given, expected))) {
		c.var.log.warn("admin authentication failed", {
			path: c.req.path,
			reason: given ? "wrong token" : "no bearer token",
		});
		throw new AppError("unauthorized", "A valid admin token is required.");
	}
	await next();
};

type Query = Record<string, string | string[]>;

/** Query parameters left empty (`?status=`) mean "not given". */
const withoutBlanks = (query: Query): Query =>
	Object.fromEntries(Object.entries(query).filter(([, value]) => value !== ""));

const listOrdersQuery = v.object({
	status: v.optional(
		v.picklist(ORDER_STATUSES, `status must be one of ${ORDER_STATUSES.join(", ")}`),
	),
	limit: v.optional(
		v.pipe(
			v.string(),
			v.regex(/^\d{1,3}$/, `limit must be an integer from 1 to ${MAX_PAGE_SIZE}`),
			v.transform(Number),
			v.minValue(1, `limit must be an integer from 1 to ${MAX_PAGE_SIZE}`),
			v.maxValue(MAX_PAGE_SIZE, `limit must be an integer from 1 to ${MAX_PAGE_SIZE}`),
		),
		String(DEFAULT_PAGE_SIZE),
	),
	q: v.optional(
		v.pipe(
			v.string("q must be given once"),
			v.trim(),
			v.minLength(1, "q is empty"),
			v.maxLength(254, "q is too long"),
		),
	),
	cursor: v.optional(v.string("cursor must be given once")),
	from: v.optional(utcDay("from")),
	to: v.optional(utcDay("to")),
});

/** `from` / `to`: a day (`YYYY-MM-DD`, UTC), its first millisecond. */
function utcDay(name: string) {
	return v.pipe(
		v.string(`${name} must be given once`),
		v.regex(/^\d{4}-\d{2}-\d{2}$/, `${name} must be a day like 2026-12-06`),
		v.transform((day) => Date.parse(`${day}T00:00:00Z`)),
		v.check((ms) => Number.isFinite(ms), `${name} must be a real day`),
	);
}

const emailsQuery = v.object({
	status: v.optional(
		v.picklist(EMAIL_STATUSES, `status must be one of ${EMAIL_STATUSES.join(", ")}`),
	),
	orderId: v.optional(v.pipe(v.string("orderId must be given once"), v.maxLength(64))),
});

const webhookEventsQuery = v.object({
	result: v.optional(
		v.picklist(WEBHOOK_RESULTS, `result must be one of ${WEBHOOK_RESULTS.join(", ")}`),
	),
});

/** `ids=a,b,c`: the orders whose slips are printed together, in that order (at most a page's 50). */
const packingSlipsQuery = v.object({
	ids: v.pipe(
		v.string("ids: the orders' ids, separated by commas"),
		v.transform((ids) => [
			...new Set(
				ids
					.split(",")
					.map((id) => id.trim())
					.filter(Boolean),
			),
		]),
		v.minLength(1, "ids: the orders' ids, separated by commas"),
		v.maxLength(50, "ids: at most 50 orders at once"),
	),
});

const shortText = (name: string) =>
	v.nullish(
		v.pipe(
			v.string(`${name} must be a string`),
			v.trim(),
			v.maxLength(200, `${name} is too long`),
			v.transform((s) => s || null),
		),
	);
const fulfillBody = v.object({
	carrier: shortText("carrier"),
	trackingNumber: shortText("trackingNumber"),
	trackingUrl: v.nullish(
		v.pipe(
			v.string("trackingUrl must be a string"),
			v.trim(),
			v.maxLength(2000, "trackingUrl is too long"),
			// Shown to the shopper as a link: a web address, never a script.
			v.check(
				(s) => s === "" || /^https?:\/\/[^\s]+$/i.test(s),
				"trackingUrl must be an http(s) URL",
			),
			v.transform((s) => s || null),
		),
	),
});

const refundAmount = v.nullish(
	v.pipe(
		v.number("amount must be a number"),
		v.safeInteger("amount must be a whole number of minor units"),
		v.minValue(1, "amount must be positive"),
	),
);

/** `POST /admin/orders/:id/refund`: each field optional; an unknown one is refused, never dropped. */
const refundBody = v.strictObject(
	{
		amount: refundAmount,
		reason: v.nullish(
			v.picklist(REFUND_REASONS, `reason must be one of ${REFUND_REASONS.join(", ")}`),
		),
		note: v.nullish(
			v.pipe(
				v.string("note must be text"),
				v.trim(),
				v.maxLength(500, "note must be at most 500 characters"),
			),
		),
		restock: v.nullish(
			v.pipe(
				v.array(
					v.strictObject(
						{
							productId: v.pipe(v.string("restock's productId must be text"), v.maxLength(64)),
							quantity: v.pipe(
								v.number("restock's quantity must be a number"),
								v.safeInteger("restock's quantity must be a whole number"),
								v.minValue(1, "restock's quantity must be at least 1"),
								v.maxValue(99, "restock's quantity must be at most 99"),
							),
						},
						"restock takes productId and quantity",
					),
					"restock must be a list of {productId, quantity}",
				),
				v.maxLength(50, "restock lists at most 50 products"),
			),
		),
	},
	"unknown field",
);

/** `GET /admin/subscriptions?status=` (SPEC 15). */
const subscriptionsQuery = v.strictObject(
	{ status: v.optional(v.picklist(SUBSCRIPTION_STATUSES, "unknown status")) },
	"unknown parameter",
);

/** `POST /admin/subscriptions/:id/cancel` `{"atPeriodEnd"?: true}`: now unless at the period's end. */
const cancelSubscriptionBody = v.strictObject(
	{ atPeriodEnd: v.optional(v.boolean("atPeriodEnd must be true or false")) },
	"unknown field",
);

/** Validates the query string (blanks dropped first); a refusal is 400 `invalid_request`. */
function validQuery<const T extends v.GenericSchema>(schema: T) {
	const withBlanksDropped = v.pipe(
		v.record(v.string(), v.union([v.string(), v.array(v.string())])),
		v.transform(withoutBlanks),
		// What the query string holds once blanks are gone is what `schema` reads.
		schema as unknown as v.GenericSchema<Query, v.InferOutput<T>>,
	);
	return validator("query", (query) => {
		const parsed = v.safeParse(withBlanksDropped, query);
		if (!parsed.success) throw invalidRequest(firstIssue(parsed.issues));
		return parsed.output;
	});
}

export const adminRoutes = new Hono<AppEnv>()
	.use(adminAuth)
	.get("/orders", validQuery(listOrdersQuery), async (c) => {
		const { cursor, from, to, ...filters } = c.req.valid("query");
		const position = cursor === undefined ? undefined : decodeCursor(cursor);
		if (position === null) throw invalidRequest("cursor is not one this API gave out.");
		const days = dayRange(from, to);
		return c.json(
			await listOrders(c.var.deps.db, { ...filters, ...days, cursor: position }, c.var.deps.now()),
		);
	})
	// The list's filters, every page of it, as CSV (streamed: the export never holds them all).
	.get("/orders.csv", validQuery(listOrdersQuery), async (c) => {
		const { status, q, from, to } = c.req.valid("query");
		const filters = { status, q, ...dayRange(from, to) };
		const day = new Date(c.var.deps.now()).toISOString().slice(0, 10);
		return c.body(ordersCsv(c.var.deps.db, filters), 200, {
			"Content-Type": "text/csv; charset=utf-8",
			"Content-Disposition": `attachment; filename="orders-${day}.csv"`,
		});
	})
	.get("/orders/:id", async (c) =>
		c.json(await orderDetail(c.var.deps.db, c.req.param("id"), c.var.deps.now())),
	)
	.post("/orders/:id/sync", async (c) => c.json(await forceSync(c.var.deps, c.req.param("id"))))
	.post(
		"/orders/:id/refund",
		limitBody(1024),
		parsedInput(readRefund),
		idempotency<RefundInput>({
			// A space never appears in checkout's keys: the two cannot collide.
			scope: (c) => `admin refund ${c.req.param("id")} `,
			request: (input, c) => ({
				orderId: c.req.param("id"),
				amount: input.amount ?? null,
				reason: input.reason ?? null,
				note: input.note ?? null,
				restock: input.restock ?? null,
			}),
		}),
		async (c) => c.json(await refundOrder(c.var.deps, c.req.param("id"), c.var.input)),
	)
	.get("/orders/:id/packing-slip", async (c) => {
		const { deps, config } = c.var;
		const [found, shop] = await Promise.all([
			findOrderWithItems(deps.db, { id: c.req.param("id") }),
			shopIdentity(deps.db, config.shopDefaults, deps.now()),
			loadCatalogues(c.env.ASSETS),
		]);
		if (!found) throw orderNotFound();
		return c.html(packingSlips([found], shop));
	})
	// New download links for a paid order (the old ones stop working), answered with the order.
	.post("/orders/:id/downloads", async (c) => {
		const { deps } = c.var;
		await issueDownloads(deps, c.req.param("id"), await actor(c));
		return c.json(await orderDetail(deps.db, c.req.param("id"), deps.now()));
	})
	.post("/orders/:id/notes", limitBody(8 * 1024), async (c) => {
		const { text } = validBody(noteBody, await readJsonObject(c));
		const { deps } = c.var;
		return c.json(await addOrderNote(deps.db, c.req.param("id"), text, await actor(c), deps.now()));
	})
	.post("/orders/:id/fulfill", limitBody(4096), async (c) => {
		const body = fulfillBodyOf(await readJsonObject(c));
		return c.json(
			await fulfillOrder(c.var.deps, c.req.param("id"), {
				carrier: body.carrier ?? null,
				trackingNumber: body.trackingNumber ?? null,
				trackingUrl: body.trackingUrl ?? null,
			}),
		);
	})
	// The slips of several orders in one page to print (the console's list as it is shown).
	.get("/packing-slips", validQuery(packingSlipsQuery), async (c) => {
		const { deps, config } = c.var;
		const [found, shop] = await Promise.all([
			ordersWithItems(deps.db, c.req.valid("query").ids),
			shopIdentity(deps.db, config.shopDefaults, deps.now()),
			loadCatalogues(c.env.ASSETS),
		]);
		return c.html(packingSlips(found, shop));
	})
	.get("/webhook-events", validQuery(webhookEventsQuery), async (c) =>
		c.json(await listWebhookEvents(c.var.deps.db, c.req.valid("query"))),
	)
	.post("/webhook-events/:id/replay", async (c) =>
		c.json(await replayWebhookEvent(c.var.deps, c.req.param("id"))),
	)
	.get("/webhook-health", async (c) => c.json(await webhookHealth(c.var.deps.db, c.var.deps.now())))
	.get("/dashboard", async (c) =>
		c.json({
			...(await dashboard(c.var.deps.db, c.var.deps.now())),
			// Active subscriptions and monthly recurring revenue, per currency (SPEC 15).
			subscriptions: await recurringRevenue(c.var.deps),
		}),
	)
	.get("/subscriptions", validQuery(subscriptionsQuery), async (c) =>
		c.json(await listSubscriptions(c.var.deps, c.req.valid("query").status)),
	)
	.get("/subscriptions/:id", async (c) =>
		c.json(await subscriptionDetail(c.var.deps, c.req.param("id"))),
	)
	.post("/subscriptions/:id/cancel", limitBody(1024), async (c) => {
		const body = v.safeParse(cancelSubscriptionBody, await readJsonObject(c));
		if (!body.success) throw invalidRequest(firstIssue(body.issues));
		return c.json(
			await cancelSubscription(c.var.deps, c.req.param("id"), body.output.atPeriodEnd ?? false),
		);
	})
	.get("/alerts", async (c) => c.json(await listAlerts(c.var.deps.db)))
	.get("/products", async (c) => c.json(await listAllProducts(c.var.deps.db)))
	.get("/products/:id", async (c) => c.json(await productDetail(c.var.deps.db, c.req.param("id"))))
	.post("/products", limitBody(16 * 1024), async (c) => {
		const input = validProduct(newProductSchema, await readJsonObject(c));
		return c.json(await createProduct(c.var.deps, input, await actor(c)));
	})
	.patch("/products/:id", limitBody(16 * 1024), async (c) => {
		const patch = validProduct(productPatchSchema, await readJsonObject(c));
		return c.json(await updateProduct(c.var.deps, c.req.param("id"), patch, await actor(c)));
	})
	.post("/products/:id/image", limitBody(MAX_IMAGE_BYTES), async (c) => {
		const body = await c.req.arrayBuffer();
		const upload = { type: c.req.header("Content-Type"), body };
		return c.json(
			await setProductImage(c.var.deps, c.env.MEDIA, c.req.param("id"), upload, await actor(c)),
		);
	})
	.post("/products/:id/file", limitBody(MAX_FILE_BYTES), async (c) => {
		const length = c.req.header("Content-Length");
		const upload = {
			name: c.req.query("name"),
			type: c.req.header("Content-Type"),
			size: length && /^\d+$/.test(length) ? Number(length) : null,
			body: c.req.raw.body,
		};
		return c.json(
			await setProductFile(c.var.deps, c.env.MEDIA, c.req.param("id"), upload, await actor(c)),
		);
	})
	.delete("/products/:id/file", async (c) =>
		c.json(await removeProductFile(c.var.deps, c.env.MEDIA, c.req.param("id"), await actor(c))),
	)
	.post("/products/:id/stock", limitBody(1024), async (c) => {
		const parsed = parseStockChange(await readJsonObject(c));
		if (!parsed.ok) throw invalidProduct(parsed.field, parsed.message);
		return c.json(await changeStock(c.var.deps, c.req.param("id"), parsed.change, await actor(c)));
	})
	.get("/shipping-rates", async (c) => c.json(await listShippingRates(c.var.deps.db)))
	.get("/shipping-rates/:id", async (c) =>
		c.json(await shippingRateDetail(c.var.deps.db, c.req.param("id"))),
	)
	.post("/shipping-rates", limitBody(4 * 1024), async (c) => {
		const input = validRate(newShippingRateSchema, await readJsonObject(c));
		return c.json(await createShippingRate(c.var.deps, input, await actor(c)));
	})
	.patch("/shipping-rates/:id", limitBody(4 * 1024), async (c) => {
		const patch = validRate(shippingRatePatchSchema, await readJsonObject(c));
		return c.json(await updateShippingRate(c.var.deps, c.req.param("id"), patch, await actor(c)));
	})
	.get("/shop", async (c) =>
		c.json(
			identityBody(await shopIdentity(c.var.deps.db, c.var.config.shopDefaults, c.var.deps.now())),
		),
	)
	.put("/shop", limitBody(8 * 1024), async (c) => {
		const input = validBody(shopIdentitySchema, await readJsonObject(c));
		const { deps, config } = c.var;
		return c.json(
			identityBody(
				await saveShopIdentity(deps.db, config.shopDefaults, input, await actor(c), deps.now()),
			),
		);
	})
	.post("/shop/logo", limitBody(MAX_IMAGE_BYTES), async (c) => {
		const upload = { type: c.req.header("Content-Type"), body: await c.req.arrayBuffer() };
		return c.json(identityBody(await saveLogo(c, upload)));
	})
	.delete("/shop/logo", async (c) => c.json(identityBody(await saveLogo(c, null))))
	.get("/pages", async (c) =>
		c.json({
			pages: await allInfoPages(c.var.deps.db),
			// Whether Stripe's page asks for consent to the terms once they are written.
			requireTerms: c.var.config.checkout.requireTerms,
		}),
	)
	.put("/pages/:slug", limitBody(2 * 64 * 1024), async (c) => {
		const slug = c.req.param("slug");
		if (!isInfoPage(slug))
			throw new AppError(
				"page_not_found",
				"No such page: terms, returns, privacy, legal or contact.",
			);
		const texts = validBody(infoPageSchema, await readJsonObject(c));
		return c.json(await saveInfoPage(c.var.deps.db, slug, texts, await actor(c), c.var.deps.now()));
	})
	.get("/emails", validQuery(emailsQuery), async (c) =>
		c.json(await listEmails(c.var.deps, c.req.valid("query"))),
	)
	.post("/emails/:id/resend", limitBody(1024), async (c) => {
		// An empty body: the same address; `{"to"}`: a corrected one.
		const body = validBody(resendBody, await readJsonObject(c));
		return c.json(await resendEmail(c.var.deps, c.req.param("id"), body.to));
	});

/** `POST /admin/orders/:id/notes`: `{"text"}`, 1 to 2,000 characters. */
const noteBody = v.strictObject(
	{
		text: v.pipe(
			v.string("text must be text"),
			v.trim(),
			v.minLength(1, "text is required"),
			v.maxLength(2000, "text must be at most 2000 characters"),
		),
	},
	"unknown field",
);

/** `POST /admin/emails/:id/resend`: `{"to"?}`, one plain address. */
const resendBody = v.strictObject(
	{
		to: v.optional(
			v.pipe(
				v.string("to must be an e-mail address"),
				v.trim(),
				v.check(isSingleAddress, "to must be one plain e-mail address (name@example.com)"),
			),
		),
	},
	"unknown field",
);

/** A product's fields, or 400 `invalid_product` naming the first field at fault. */
function validProduct<const T extends v.GenericSchema>(schema: T, body: unknown): v.InferOutput<T> {
	const parsed = v.safeParse(schema, body);
	if (parsed.success) return parsed.output;
	const issue = parsed.issues[0];
	const field = issueField(issue);
	throw invalidProduct(field, field ? `${field}: ${issue.message}` : issue.message);
}

/** The days asked for, as created-at bounds: from the first one's start to the last one's end. */
function dayRange(from: number | undefined, to: number | undefined) {
	if (from !== undefined && to !== undefined && to < from)
		throw invalidRequest("to must be on or after from.");
	return {
		...(from !== undefined && { createdFrom: from }),
		...(to !== undefined && { createdBefore: to + DAY_MS }),
	};
}

/** A shipping rate's fields, or 400 `invalid_shipping_rate` naming the first field at fault. */
function validRate<const T extends v.GenericSchema>(schema: T, body: unknown): v.InferOutput<T> {
	const parsed = v.safeParse(schema, body);
	if (parsed.success) return parsed.output;
	const issue = parsed.issues[0];
	const field = issueField(issue);
	throw invalidShippingRate(field, field ? `${field}: ${issue.message}` : issue.message);
}

/** A body's fields, or 400 `invalid_request` naming the first field at fault. */
function validBody<const T extends v.GenericSchema>(schema: T, body: unknown): v.InferOutput<T> {
	const parsed = v.safeParse(schema, body);
	if (parsed.success) return parsed.output;
	const issue = parsed.issues[0];
	const field = issueField(issue);
	throw new AppError("invalid_request", field ? `${field}: ${issue.message}` : issue.message, {
		...(field && { field }),
	});
}

/** The shop's logo uploaded (or, null, removed). */
async function saveLogo(
	c: Context<AppEnv>,
	upload: { type: string | undefined; body: ArrayBuffer } | null,
) {
	const { deps, config } = c.var;
	return setShopLogo(
		deps.db,
		c.env.MEDIA,
		config.shopDefaults,
		upload,
		await actor(c),
		deps.now(),
		(work) => deps.defer(work),
	);
}

/** Who is acting: the admin token's fingerprint (the request passed `adminAuth`). */
const actor = (c: Context<AppEnv>) => actorOf(bearerToken(c.req.header("Authorization")) ?? "");

/** `{"amount"?}` in minor units; an empty body refunds the rest. */
/** The refund asked for: an amount at fault is 400 `invalid_amount`, another field 400 `invalid_request` naming it. */
async function readRefund(c: Context<AppEnv>): Promise<RefundInput> {
	const parsed = v.safeParse(refundBody, await readJsonObject(c));
	if (!parsed.success) {
		const issue = parsed.issues[0];
		const field = issueField(issue);
		if (field === "amount") throw invalidAmount(firstIssue(parsed.issues));
		throw new AppError("invalid_request", firstIssue(parsed.issues), { ...(field && { field }) });
	}
	const { amount, reason, note, restock } = parsed.output;
	return {
		...(amount != null && { amount }),
		...(reason != null && { reason }),
		...(note && { note }),
		...(restock && restock.length > 0 && { restock }),
	};
}

function fulfillBodyOf(body: Record<string, unknown>) {
	const parsed = v.safeParse(fulfillBody, body);
	if (!parsed.success) throw invalidRequest(firstIssue(parsed.issues));
	return parsed.output;
}

/** An admin action's JSON object body; an empty body is `{}`. 415 / 400 otherwise. */
async function readJsonObject(c: Context<AppEnv>): Promise<Record<string, unknown>> {
	if (c.req.header("Content-Type") && bodyKind(c) !== "json")
		throw new AppError("unsupported_media_type", "Send application/json.");
	const text = await c.req.text();
	if (text.trim() === "") return {};
	let body: unknown;
	try {
		body = JSON.parse(text);
	} catch {
		throw new AppError("invalid_json", "The body is not valid JSON.");
	}
	if (typeof body !== "object" || body === null || Array.isArray(body))
		throw invalidRequest("The body must be a JSON object.");
	return body as Record<string, unknown>;
}
