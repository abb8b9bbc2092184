import { timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import { type HttpAnswer, jsonAnswer } from "../api/http-io.ts";
import type { Route } from "../api/types.ts";
import { labelsFor, type PageLanguage, pageLanguage } from "../checkout/page-labels.ts";
import { sessionWallet } from "../checkout/saved-cards.ts";
import type { EmulatorContext } from "../state/context.ts";
import type { SessionRecord } from "../state/store.ts";
import {
	type ActionBody,
	type BuyerError,
	confirmSession,
	SESSION_UPDATES,
} from "./checkout-actions.ts";
import { paymentFramePage } from "./frame-page.ts";
import { checkoutSessionView } from "./session-view.ts";

/** What a Stripe.js stand-in handler gets. */
export type StripeJsRequest = {
	ctx: EmulatorContext;
	pathParams: Record<string, string>;
	query: URLSearchParams;
	rawBody: string;
};

export type StripeJsRoute = Route<(request: StripeJsRequest) => HttpAnswer>;

// The browser scripts, read once at start.
const STRIPE_JS = readFileSync(new URL("./stripe.js", import.meta.url), "utf8");
const FRAME_JS = readFileSync(new URL("./payment-frame.js", import.meta.url), "utf8");

function script(body: string): HttpAnswer {
	return {
		status: 200,
		headers: {
			"content-type": "text/javascript; charset=utf-8",
			"cache-control": "no-store",
			// The shop's page (another origin) loads it, as it loads js.stripe.com.
			"cross-origin-resource-policy": "cross-origin",
			"x-content-type-options": "nosniff",
		},
		body,
	};
}

// The shop's page calls these from its own origin, as Stripe.js calls api.stripe.com: the
// client secret is the credential, never a cookie.
const CORS = { "access-control-allow-origin": "*", "cache-control": "no-store" };

function answer(status: number, body: unknown): HttpAnswer {
	return jsonAnswer(status, body, CORS);
}

function parseBody(rawBody: string): ActionBody | null {
	try {
		const body: unknown = JSON.parse(rawBody || "{}");
		return typeof body === "object" && body !== null && !Array.isArray(body)
			? (body as ActionBody)
			: null;
	} catch {
		return null;
	}
}

/** The elements session this client secret opens; null for anything else (same answer for all). */
function authorize(ctx: EmulatorContext, sessionId: string, secret: unknown): SessionRecord | null {
	const session = ctx.state.sessions.get(sessionId);
	if (session?.uiMode !== "elements" || !session.clientSecret) return null;
	if (typeof secret !== "string") return null;
	const given = Buffer.from(secret);
	const expected = Buffer.from(session.clientSecret);
	return given.length === expected.length && timingSafeEqual(given, expected) ? session : null;
}

function notFound(lang: PageLanguage): HttpAnswer {
	const message = labelsFor(lang).sessionNotFound;
	return answer(404, {
		error: { type: "invalid_request_error", code: "resource_missing", message },
	});
}

function notOpen(ctx: EmulatorContext, session: SessionRecord, lang: PageLanguage): HttpAnswer {
	const error = {
		type: "invalid_request_error",
		code: "checkout_session_not_open",
		message: labelsFor(lang).sessionNotOpen,
	};
	return answer(409, { error, session: checkoutSessionView(ctx, session, lang) });
}

/** A buyer error in the body's `error`: the SDK's code, the frame's field, a decline's code. */
function errorBody(error: BuyerError) {
	return {
		type: error.code === "paymentFailed" ? "card_error" : "invalid_request_error",
		code: error.code,
		message: error.message,
		...(error.field && { field: error.field }),
		...(error.declineCode !== undefined && { decline_code: error.declineCode }),
	};
}

/**
 * A POST from Stripe.js or the frame: a JSON body with `clientSecret` and `locale`, the
 * session open; `run` answers the problem, or null when it went through.
 */
function sessionAction(
	run: (
		ctx: EmulatorContext,
		session: SessionRecord,
		body: ActionBody,
		lang: PageLanguage,
	) => HttpAnswer | null,
): StripeJsRoute["handler"] {
	return ({ ctx, pathParams, rawBody }) => {
		const body = parseBody(rawBody);
		if (!body) {
			const message = "The body must be a JSON object.";
			return answer(400, { error: { type: "invalid_request_error", code: null, message } });
		}
		const lang = pageLanguage(typeof body.locale === "string" ? body.locale : null);
		const session = authorize(ctx, pathParams.id ?? "", body.clientSecret);
		if (!session) return notFound(lang);
		if (session.status !== "open") return notOpen(ctx, session, lang);
		return (
			run(ctx, session, body, lang) ??
			answer(200, { session: checkoutSessionView(ctx, session, lang) })
		);
	};
}

const updateRoutes: StripeJsRoute[] = Object.entries(SESSION_UPDATES).map(([path, update]) => ({
	method: "POST",
	pattern: `/js/checkout/:id/${path}`,
	handler: sessionAction((ctx, session, body, lang) => {
		const problem = update(ctx, session, body, lang);
		return problem ? answer(400, { error: errorBody(problem) }) : null;
	}),
}));

/** The Stripe.js stand-in: its scripts, the Payment Element's frame, the SDK's endpoints. */
export const STRIPE_JS_ROUTES: StripeJsRoute[] = [
	{ method: "GET", pattern: "/js/stripe.js", handler: () => script(STRIPE_JS) },
	{ method: "GET", pattern: "/js/elements/payment-frame.js", handler: () => script(FRAME_JS) },
	{
		method: "GET",
		pattern: "/js/elements/payment",
		handler: ({ query }) => paymentFramePage(query),
	},
	{
		method: "GET",
		pattern: "/js/checkout/:id",
		handler: ({ ctx, pathParams, query }) => {
			const lang = pageLanguage(query.get("locale"));
			const session = authorize(ctx, pathParams.id ?? "", query.get("client_secret"));
			if (!session) return notFound(lang);
			return answer(200, { session: checkoutSessionView(ctx, session, lang) });
		},
	},
	{
		// The frame's: the saved cards to offer (labelled and preselected as the hosted page
		// does) and whether to offer the save box. Brand, last four and expiry only.
		method: "GET",
		pattern: "/js/checkout/:id/saved_payment_methods",
		handler: ({ ctx, pathParams, query }) => {
			const lang = pageLanguage(query.get("locale"));
			const session = authorize(ctx, pathParams.id ?? "", query.get("client_secret"));
			if (!session) return notFound(lang);
			const wallet = sessionWallet(ctx, session);
			return answer(200, { savedPaymentMethods: wallet.cards, offerSave: wallet.offerSave });
		},
	},
	...updateRoutes,
	{
		method: "POST",
		pattern: "/js/checkout/:id/confirm",
		handler: sessionAction((ctx, session, body, lang) => {
			const result = confirmSession(ctx, session, body, lang);
			const view = checkoutSessionView(ctx, session, lang);
			if (result.ok) return answer(200, { session: view, returnUrl: result.returnUrl });
			const status = result.error.code === "paymentFailed" ? 402 : 400;
			// The session may have changed (a decline is its lastPaymentError): the page gets it too.
			return answer(status, { error: errorBody(result.error), session: view });
		}),
	},
	// The preflight of the page's JSON POSTs.
	{
		method: "OPTIONS",
		pattern: "/js/checkout/*",
		handler: () => ({
			status: 204,
			headers: {
				"access-control-allow-origin": "*",
				"access-control-allow-methods": "GET, POST",
				"access-control-allow-headers": "content-type",
				"access-control-max-age": "600",
			},
			body: "",
		}),
	},
];
