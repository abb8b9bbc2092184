import { html } from "hono/html";
import { type HttpAnswer, htmlAnswer } from "../api/http-io.ts";
import { pageShell } from "../checkout/html.ts";
import { pageMoney } from "../checkout/page-labels.ts";
import type { EmulatorContext } from "../state/context.ts";

/**
 * `GET /receipts/:chargeId`: what a charge's `receipt_url` opens, as Stripe's
 * hosted receipt does: the amount, the date, the card, and what was refunded.
 */
export function showReceipt(ctx: EmulatorContext, chargeId: string): HttpAnswer {
	const charge = ctx.state.charges.get(chargeId);
	if (charge?.status !== "succeeded") {
		return htmlAnswer(
			404,
			pageShell("Receipt not found · Stripe emulator", html`<h1>No such receipt</h1>`),
		);
	}
	const money = (amount: number) => pageMoney(amount, charge.currency, "en");
	const card = charge.paymentMethod.card;
	const date = new Date(charge.created * 1000).toISOString().slice(0, 10);
	return htmlAnswer(
		200,
		pageShell(
			"Receipt · Stripe emulator",
			html`<h1>Receipt from STRIPE EMULATOR</h1>
<p class="summary-row"><span>Amount paid</span> <strong id="receipt-amount">${money(charge.amount)}</strong></p>
<p class="summary-row"><span>Date paid</span> <span>${date}</span></p>
${card ? html`<p class="summary-row"><span>Payment method</span> <span>${card.brand} •••• ${card.last4}</span></p>` : ""}
${charge.amountRefunded > 0 ? html`<p class="summary-row"><span>Refunded</span> <span id="receipt-refunded">${money(charge.amountRefunded)}</span></p>` : ""}
<p class="small">Charge ${charge.id}. A local stand-in for Stripe's receipt page.</p>`,
		),
	);
}
