import { formatMoney } from "shop-money";
import { invalidParam, invalidState, resourceMissing } from "../api/errors.ts";
import {
	metadataParam,
	optionalInteger,
	optionalString,
	type ParamObject,
	rejectUnknown,
} from "../api/params.ts";
import { chargeSnapshot } from "../payments/charge-object.ts";
import type { EmulatorContext } from "../state/context.ts";
import { newId } from "../state/ids.ts";
import type { ChargeRecord, RefundRecord } from "../state/store.ts";
import type { RequestSource } from "../webhooks/event-object.ts";
import { renderRefund } from "./refund-object.ts";

const REASONS = ["duplicate", "fraudulent", "requested_by_customer"];

/**
 * `POST /v1/refunds`: refunds part or the rest of a succeeded payment, refusing what Stripe
 * refuses (`charge_already_refunded`, `amount_too_large`), and emits `refund.created` then
 * `charge.refunded`.
 */
export function createRefund(
	ctx: EmulatorContext,
	params: ParamObject,
	source: RequestSource,
): RefundRecord {
	rejectUnknown(params, ["payment_intent", "charge", "amount", "reason", "metadata", "expand"]);
	const charge = refundableCharge(ctx, params);
	const remaining = charge.amount - charge.amountRefunded;
	if (remaining <= 0) {
		throw invalidState(`Charge ${charge.id} has already been refunded.`, "charge_already_refunded");
	}
	const amount = optionalInteger(params.amount, "amount") ?? remaining;
	if (amount < 1) throw invalidParam("Invalid positive integer", "amount");
	if (amount > remaining) {
		throw invalidState(
			`Refund amount (${formatMoney(amount, charge.currency)}) is greater than unrefunded amount on charge (${formatMoney(remaining, charge.currency)})`,
			"amount_too_large",
			"amount",
		);
	}
	const reason = optionalString(params.reason, "reason") ?? null;
	if (reason !== null && !REASONS.includes(reason)) {
		throw invalidParam(`Invalid reason: must be one of ${REASONS.join(", ")}`, "reason");
	}
	const refund: RefundRecord = {
		id: newId("re"),
		created: ctx.clock.now(),
		amount,
		currency: charge.currency,
		chargeId: charge.id,
		paymentIntentId: charge.paymentIntentId,
		paymentMethod: charge.paymentMethod,
		reason,
		metadata: metadataParam(params.metadata, "metadata"),
		balanceTransaction: newId("txn"),
	};
	ctx.state.refunds.set(refund.id, refund);
	const previous = { amount_refunded: charge.amountRefunded, refunded: false };
	charge.amountRefunded += amount;
	charge.refundIds.push(refund.id);
	ctx.emit("refund.created", renderRefund(refund), source);
	ctx.emit("charge.refunded", chargeSnapshot(ctx, charge), source, previous);
	return refund;
}

function refundableCharge(ctx: EmulatorContext, params: ParamObject): ChargeRecord {
	const intentId = optionalString(params.payment_intent, "payment_intent");
	const chargeId = optionalString(params.charge, "charge");
	if (!intentId && !chargeId) {
		throw invalidParam(
			"One of the following params should be provided for this request: payment_intent or charge.",
			"payment_intent",
		);
	}
	if (intentId) {
		const intent = ctx.state.paymentIntents.get(intentId);
		if (!intent) throw resourceMissing("payment_intent", intentId, "payment_intent");
		const latest = intent.latestChargeId ? ctx.state.charges.get(intent.latestChargeId) : undefined;
		if (intent.status !== "succeeded" || !latest) {
			throw invalidState(
				`This PaymentIntent (${intentId}) does not have a successful charge to refund.`,
				"payment_intent_unexpected_state",
				"payment_intent",
			);
		}
		if (chargeId && chargeId !== latest.id) {
			throw invalidParam(
				`Charge ${chargeId} does not belong to PaymentIntent ${intentId}.`,
				"charge",
			);
		}
		return latest;
	}
	const charge = ctx.state.charges.get(chargeId ?? "");
	if (!charge) throw resourceMissing("charge", chargeId ?? "", "charge");
	if (charge.status !== "succeeded") {
		throw invalidState(
			`Charge ${charge.id} has not succeeded and cannot be refunded.`,
			"charge_not_refundable",
		);
	}
	return charge;
}
