import { resourceMissing } from "../api/errors.ts";
import { applyExpand } from "../api/expand.ts";
import { createdFilter, newestFirst, paginate, renderList } from "../api/pagination.ts";
import { optionalEnumParam, optionalString, rejectUnknown } from "../api/params.ts";
import { type ApiRequest, type ApiRoute, pathId } from "../api/types.ts";
import type { InvoiceRecord, State } from "../state/store.ts";
import { renderInvoice, renderInvoiceLine, renderInvoicePayment } from "./invoice-object.ts";

const STATUSES = ["draft", "open", "paid", "uncollectible", "void"] as const;

/** The invoice with this id, or Stripe's 404. */
export function findInvoice(state: State, id: string, param = "id"): InvoiceRecord {
	const invoice = state.invoices.get(id);
	if (!invoice) throw resourceMissing("invoice", id, param);
	return invoice;
}

function invoiceOf(request: ApiRequest): InvoiceRecord {
	return findInvoice(request.ctx.state, pathId(request));
}

/** `/v1/invoices` and `/v1/invoice_payments` (read-only: subscriptions make them). */
export const invoiceRoutes: ApiRoute[] = [
	{
		method: "GET",
		pattern: "/v1/invoices",
		handler: ({ ctx, params }) => {
			rejectUnknown(params, [
				"customer",
				"subscription",
				"status",
				"created",
				"collection_method",
				"limit",
				"starting_after",
				"ending_before",
				"expand",
			]);
			const customer = optionalString(params.customer, "customer");
			const subscription = optionalString(params.subscription, "subscription");
			const status = optionalEnumParam(params.status, "status", STATUSES);
			const inRange = createdFilter(params.created);
			const matching = newestFirst(ctx.state.invoices).filter(
				(invoice) =>
					(!customer || invoice.customerId === customer) &&
					(!subscription || invoice.subscriptionId === subscription) &&
					(!status || invoice.status === status) &&
					inRange(invoice.created),
			);
			const page = paginate(matching, params);
			const list = renderList(page.items.map(renderInvoice), "/v1/invoices", page.hasMore);
			return applyExpand(ctx, list, params);
		},
	},
	{
		method: "GET",
		pattern: "/v1/invoices/:id",
		handler: (request) =>
			applyExpand(request.ctx, renderInvoice(invoiceOf(request)), request.params),
	},
	{
		method: "GET",
		pattern: "/v1/invoices/:id/lines",
		handler: (request) => {
			const invoice = invoiceOf(request);
			const page = paginate(invoice.lines, request.params);
			const data = page.items.map((line) => renderInvoiceLine(invoice, line));
			const list = renderList(data, `/v1/invoices/${invoice.id}/lines`, page.hasMore);
			return applyExpand(request.ctx, list, request.params);
		},
	},
	{
		method: "GET",
		pattern: "/v1/invoice_payments",
		handler: ({ ctx, params }) => {
			const invoiceId = optionalString(params.invoice, "invoice");
			const payments = newestFirst(ctx.state.invoices)
				.filter((invoice) => !invoiceId || invoice.id === invoiceId)
				.flatMap((invoice) =>
					[...invoice.payments].reverse().map((payment) => ({ id: payment.id, invoice, payment })),
				);
			const page = paginate(payments, params);
			const data = page.items.map(({ invoice, payment }) => renderInvoicePayment(invoice, payment));
			return applyExpand(ctx, renderList(data, "/v1/invoice_payments", page.hasMore), params);
		},
	},
	{
		method: "GET",
		pattern: "/v1/invoice_payments/:id",
		handler: (request) => {
			const id = pathId(request);
			for (const invoice of request.ctx.state.invoices.values()) {
				const payment = invoice.payments.find((item) => item.id === id);
				if (payment) {
					return applyExpand(request.ctx, renderInvoicePayment(invoice, payment), request.params);
				}
			}
			throw resourceMissing("invoice_payment", id);
		},
	},
];
