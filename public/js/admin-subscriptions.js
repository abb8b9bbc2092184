/**
 * The console's Subscriptions tab (SPEC 15): every subscription, by status,
 * newest first; one's detail with its invoices and the orders they made; and
 * cancelling it at the period's end (the customer keeps what they paid for)
 * or now.
 */
import { code, field, latestRequest, plural, shortOrderButton, statusBadge } from "./admin-view.js";
import { h, replaceChildren, say, timeEl } from "./dom.js";
import { formatMoney } from "./money.js";
import { button, dataTable, liveLine, toolbar } from "./ui.js";

const STATUSES = ["active", "past_due", "trialing", "incomplete", "unpaid", "canceled", "paused"];

/** "$30.00 / month", for the plan's quantity. */
function perPeriod(sub) {
	return `${formatMoney(sub.unitAmount * sub.quantity, sub)} / ${sub.interval}`;
}

/**
 * @param {HTMLElement} panel
 * @param {{
 *   admin: (path: string, options?: object) => Promise<any>,
 *   isHandled: (err: unknown) => boolean,
 *   messageOf: (err: unknown) => string,
 *   loaded: Set<string>,
 * }} deps
 */
export function subscriptionsTab(panel, { admin, isHandled, messageOf, loaded }) {
	const filter = h(
		"select",
		{ id: "subscription-status", name: "status" },
		h("option", { value: "" }, "All statuses"),
		...STATUSES.map((s) => h("option", { value: s }, s.replaceAll("_", " "))),
	);
	const refresh = button("Refresh", { id: "refresh-subscriptions", small: true });
	const status = liveLine("subscriptions-status");
	const detail = h("section", {
		id: "subscription-detail",
		class: "panel detail",
		"aria-labelledby": "subscription-detail-heading",
		hidden: true,
	});
	panel.append(
		toolbar(h("label", { for: "subscription-status" }, "Status"), filter, refresh),
		status,
		dataTable({
			label: "Subscriptions table",
			caption: "Subscriptions, newest first",
			columns: ["Customer", "Plan", "Status", "Price", "Renews or ends", "Detail"],
			bodyId: "subscriptions-body",
			className: "stacked-table",
		}),
		detail,
	);
	const body = panel.querySelector("#subscriptions-body");
	const requests = latestRequest();

	async function load() {
		loaded.add(panel.id);
		const request = requests.next();
		// A detail of the list as it was would outlive the filter that hid it.
		detail.hidden = true;
		say(status, "Loading subscriptions…");
		try {
			const query = filter.value ? `?status=${encodeURIComponent(filter.value)}` : "";
			const data = await admin(`/admin/subscriptions${query}`, { signal: request });
			if (request.aborted) return;
			const list = Array.isArray(data.subscriptions) ? data.subscriptions : [];
			replaceChildren(body, list.map(row));
			say(status, list.length ? `${plural(list.length, "subscription")}.` : "No subscriptions.");
		} catch (err) {
			if (request.aborted) return;
			loaded.delete(panel.id);
			if (!isHandled(err)) say(status, `Could not load subscriptions: ${messageOf(err)}`);
		}
	}

	function row(sub) {
		return h(
			"tr",
			{},
			h("td", { dataset: { label: "Customer" } }, sub.customerEmail ?? sub.customerId),
			h("td", { dataset: { label: "Plan" } }, `${sub.planName} × ${sub.quantity}`),
			h("td", { dataset: { label: "Status" } }, statusBadge(sub.status)),
			h("td", { dataset: { label: "Price" } }, perPeriod(sub)),
			h(
				"td",
				{ dataset: { label: "Renews or ends" } },
				// One phrase: the stacked table on a phone lays a cell's children out side by side.
				h(
					"span",
					{},
					...(sub.status === "canceled"
						? ["ended ", timeEl(sub.endedAt ?? sub.canceledAt)]
						: sub.status === "past_due" || sub.status === "unpaid"
							? ["payment failed: retried automatically"]
							: [sub.cancelAtPeriodEnd ? "ends " : "renews ", timeEl(sub.currentPeriodEnd)]),
				),
			),
			h("td", {}, button("Details", { small: true, dataset: { subscription: sub.id } })),
		);
	}

	async function show(id) {
		say(status, "Loading the subscription…");
		try {
			const sub = await admin(`/admin/subscriptions/${encodeURIComponent(id)}`);
			drawDetail(sub);
			say(status, "");
		} catch (err) {
			if (!isHandled(err)) say(status, `Could not load the subscription: ${messageOf(err)}`);
		}
	}

	function drawDetail(sub) {
		const live = ["active", "trialing", "past_due", "unpaid"].includes(sub.status);
		const atEnd = button("Cancel at period end", {
			id: "cancel-at-period-end",
			small: true,
			disabled: !live || sub.cancelAtPeriodEnd,
		});
		const now = button("Cancel now", { id: "cancel-now", small: true, disabled: !live });
		const result = liveLine("subscription-action-status");
		const cancel = async (atPeriodEnd) => {
			const what = atPeriodEnd ? "at the end of its period" : "now, with no refund of this period";
			if (!window.confirm(`Cancel ${sub.customerEmail}'s ${sub.planName} ${what}?`)) return;
			say(result, "Cancelling…");
			try {
				const after = await admin(`/admin/subscriptions/${encodeURIComponent(sub.id)}/cancel`, {
					method: "POST",
					body: { atPeriodEnd },
				});
				await show(after.id);
				say(
					panel.querySelector("#subscription-action-status") ?? result,
					atPeriodEnd ? "It ends at the end of its period." : "Canceled.",
				);
				load();
			} catch (err) {
				if (!isHandled(err)) say(result, `Not canceled: ${messageOf(err)}`);
			}
		};
		atEnd.addEventListener("click", () => cancel(true));
		now.addEventListener("click", () => cancel(false));
		replaceChildren(
			detail,
			h("h3", { id: "subscription-detail-heading" }, `${sub.planName} × ${sub.quantity}`),
			h(
				"dl",
				{ class: "fields" },
				field("Subscription", code(sub.id)),
				field("Customer", sub.customerEmail),
				field("Status", statusBadge(sub.status)),
				field("Price", perPeriod(sub)),
				sub.status === "canceled"
					? []
					: field(
							sub.cancelAtPeriodEnd ? "Ends" : "Current period ends",
							timeEl(sub.currentPeriodEnd),
						),
				sub.canceledAt ? field("Cancellation asked", timeEl(sub.canceledAt)) : [],
				sub.endedAt ? field("Ended", timeEl(sub.endedAt)) : [],
				sub.shipping
					? field(
							"Ships to",
							[
								sub.shipping.name,
								sub.shipping.line1,
								sub.shipping.line2,
								[sub.shipping.postalCode, sub.shipping.city].filter(Boolean).join(" "),
								sub.shipping.state,
								sub.shipping.country,
							]
								.filter(Boolean)
								.join(", "),
						)
					: [],
			),
			h("h4", {}, "Invoices"),
			sub.invoices.length
				? h(
						"ul",
						{ class: "plain-list" },
						...sub.invoices.map((i) =>
							h(
								"li",
								{},
								code(i.id),
								` · ${i.status} · ${formatMoney(i.status === "paid" ? i.amountPaid : i.amountDue, i)} · `,
								timeEl(i.paidAt ?? i.periodStart),
							),
						),
					)
				: h("p", { class: "muted" }, "No invoice yet."),
			h("h4", {}, "Orders it made"),
			sub.orders.length
				? h(
						"ul",
						{ class: "plain-list" },
						...sub.orders.map((o) =>
							h("li", {}, shortOrderButton(o.id), ` · ${o.status} · `, formatMoney(o.amount, o)),
						),
					)
				: h("p", { class: "muted" }, "None: a digital plan, or no paid invoice yet."),
			toolbar(atEnd, now),
			result,
		);
		detail.hidden = false;
	}

	body.addEventListener("click", (event) => {
		const target = event.target.closest("button[data-subscription]");
		if (target) show(target.dataset.subscription);
	});
	filter.addEventListener("change", load);
	refresh.addEventListener("click", load);

	return {
		load,
		reset() {
			requests.next();
			replaceChildren(body);
			replaceChildren(detail);
			detail.hidden = true;
			status.textContent = "";
		},
	};
}
