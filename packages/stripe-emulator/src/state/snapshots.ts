import { renderCharge } from "../payments/charge-object.ts";
import type { EmulatorContext } from "./context.ts";
import type { JsonObject } from "./json.ts";
import type { ChargeRecord, RefundRecord } from "./store.ts";

/** A charge rendered with its refunds looked up in state. */
export function chargeSnapshot(ctx: EmulatorContext, charge: ChargeRecord): JsonObject {
	const refunds = charge.refundIds
		.map((id) => ctx.state.refunds.get(id))
		.filter((refund): refund is RefundRecord => refund !== undefined);
	return renderCharge(charge, refunds);
}
