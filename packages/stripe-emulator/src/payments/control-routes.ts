import { resourceMissing } from "../api/errors.ts";
import { controlCardInput, parseExpiry } from "../checkout/card-form.ts";
import { expireSession } from "../checkout/session-expiry.ts";
import { renderSession } from "../checkout/session-object.ts";
import { badInput, inputEnum, inputNumber, inputString } from "../control/input.ts";
import type { ControlRequest, ControlRoute } from "../control/types.ts";
import type { SessionRecord } from "../state/store.ts";
import { NO_REQUEST } from "../webhooks/event-object.ts";
import { renderPaymentIntent } from "./payment-intent-object.ts";
import { attemptPayment, type PaymentInput } from "./payments.ts";

function findSession({ ctx, pathParams }: ControlRequest): SessionRecord {
	const id = pathParams.id ?? "";
	const session = ctx.state.sessions.get(id);
	if (!session) throw resourceMissing("checkout.session", id);
	return session;
}

function paymentInput(request: ControlRequest, session: SessionRecord): PaymentInput {
	const { input, ctx } = request;
	const email = inputString(input, "email") ?? session.customerEmail ?? "shopper@example.com";
	const delayed = inputEnum(input, "delayed", ["success", "failure"] as const);
	if (delayed) return { method: "delayed", outcome: delayed, email };
	const card = controlCardInput(
		inputString(input, "card"),
		email,
		new Date(ctx.clock.now() * 1000),
	);
	const expiryText = inputString(input, "expiry");
	if (expiryText === undefined || card.method !== "card") return card;
	const expiry = parseExpiry(expiryText);
	if (!expiry) throw badInput("expiry must look like MM/YY.", "expiry");
	return { ...card, expMonth: expiry.month, expYear: expiry.year };
}

/** Paying, expiring and settling bank debits without a browser. */
export const controlPaymentRoutes: ControlRoute[] = [
	{
		method: "POST",
		pattern: "/_emulator/sessions/:id/pay",
		handler: (request) => {
			const session = findSession(request);
			const result = attemptPayment(request.ctx, session, paymentInput(request, session));
			return {
				outcome: result.outcome,
				error: result.error,
				session: renderSession(result.session),
				paymentIntent: renderPaymentIntent(result.paymentIntent),
			};
		},
	},
	{
		method: "POST",
		pattern: "/_emulator/sessions/:id/expire",
		handler: (request) => {
			const session = findSession(request);
			expireSession(request.ctx, session, NO_REQUEST);
			return { session: renderSession(session) };
		},
	},
	{
		method: "POST",
		pattern: "/_emulator/delayed",
		handler: ({ ctx, input }) => {
			const delayMs = inputNumber(input, "delayMs");
			if (delayMs !== undefined) ctx.delayed.setDelayMs(Math.max(0, delayMs));
			return { delayMs: ctx.delayed.delayMs() };
		},
	},
	{
		method: "POST",
		pattern: "/_emulator/delayed/settle",
		handler: ({ ctx, input }) => ({
			settled: ctx.delayed.settleNow(inputString(input, "sessionId")),
		}),
	},
];
