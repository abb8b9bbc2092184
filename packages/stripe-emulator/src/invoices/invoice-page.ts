import { html } from "hono/html";
import { type HttpAnswer, htmlAnswer } from "../api/http-io.ts";
import type { Route } from "../api/types.ts";
import { pageShell } from "../checkout/html.ts";
import { pageMoney } from "../checkout/page-labels.ts";
import { ACCOUNT_NAME } from "../checkout/session-object.ts";
import type { EmulatorContext } from "../state/context.ts";
import type { InvoiceRecord } from "../state/store.ts";

/** What an invoice page handler gets. */
export type InvoicePageRequest = { ctx: EmulatorContext; pathParams: Record<string, string> };

const STATUS: Record<InvoiceRecord["status"], string> = {
	draft: "Draft",
	open: "Due",
	paid: "Paid",
	uncollectible: "Uncollectible",
	void: "Void",
};

function day(seconds: number): string {
	return new Intl.DateTimeFormat("en-US", { dateStyle: "long", timeZone: "UTC" }).format(
		new Date(seconds * 1000),
	);
}

/**
 * `GET /i/:id`: what an invoice's `hosted_invoice_url` opens, as Stripe's hosted invoice
 * page shows it (in English): the number, the status, the amounts, the lines and their
 * periods. It takes no payment (an open invoice is retried by the control API).
 */
function showInvoice(ctx: EmulatorContext, id: string): HttpAnswer {
	const invoice = ctx.state.invoices.get(id);
	if (!invoice || invoice.status === "draft") {
		return htmlAnswer(
			404,
			pageShell(
				"Invoice not found · Stripe emulator",
				html`<h1 id="invoice-status" data-status="not_found">No such invoice</h1>`,
			),
		);
	}
	const money = (amount: number) => pageMoney(amount, invoice.currency, "en");
	const row = (rowId: string, label: string, value: string) =>
		html`<p class="summary-row"><span>${label}</span> <span id="${rowId}">${value}</span></p>
`;
	const lines = invoice.lines.map(
		(line) =>
			html`<li class="line-item"><span class="name">${line.description}</span> <span class="amount">${money(line.amount)}</span><small>${day(line.periodStart)} – ${day(line.periodEnd)}</small></li>
`,
	);
	return htmlAnswer(
		200,
		pageShell(
			`Invoice ${invoice.number ?? invoice.id} · Stripe emulator`,
			html`<p class="badge">Test mode · Stripe emulator</p>
<p class="merchant" id="merchant">${ACCOUNT_NAME}</p>
<h1>Invoice <span id="invoice-number">${invoice.number ?? ""}</span></h1>
<p id="invoice-status" data-status="${invoice.status}"><strong>${STATUS[invoice.status]}</strong>${invoice.paidAt ? html` · paid ${day(invoice.paidAt)}` : ""}</p>
<section aria-labelledby="invoice-summary">
<h2 id="invoice-summary">Summary</h2>
${row("invoice-amount-due", invoice.status === "paid" ? "Amount paid" : "Amount due", money(invoice.status === "paid" ? invoice.amountPaid : invoice.total - invoice.amountPaid))}${row("invoice-date", "Invoice date", day(invoice.finalizedAt ?? invoice.created))}${invoice.customerEmail ? row("invoice-customer", "Billed to", invoice.customerEmail) : ""}</section>
<section aria-labelledby="invoice-lines-heading">
<h2 id="invoice-lines-heading">Items</h2>
<ul id="invoice-lines">
${lines}</ul>
${row("invoice-subtotal", "Subtotal", money(invoice.subtotal))}${invoice.discount > 0 ? row("invoice-discount", "Discount", `−${money(invoice.discount)}`) : ""}${invoice.automaticTax ? row("invoice-tax", "Tax", money(invoice.tax)) : ""}<p class="total"><span>Total</span> <strong id="invoice-total">${money(invoice.total)}</strong></p>
</section>
${invoice.status === "open" ? html`<p class="hint" id="invoice-retry">This invoice is due; the emulator retries it with the subscription's card (control API: <code>POST /_emulator/invoices/${invoice.id}/retry</code>).</p>` : ""}
<p class="small">Invoice ${invoice.id}. A local stand-in for Stripe's hosted invoice page.</p>`,
		),
	);
}

/** The hosted invoice page. */
export const INVOICE_PAGE_ROUTES: Route<(request: InvoicePageRequest) => HttpAnswer>[] = [
	{
		method: "GET",
		pattern: "/i/:id",
		handler: ({ ctx, pathParams }) => showInvoice(ctx, pathParams.id ?? ""),
	},
];
