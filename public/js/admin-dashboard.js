/**
 * The console's dashboard row: paid today and this week per currency,
 * checkouts awaiting payment, alerts, failed e-mails and webhook delivery, each
 * tile with the button that goes where its figure comes from (`data-go`).
 */
import { latestRequest, plural, relativeTime } from "./admin-view.js";
import { h, replaceChildren, say, srOnly } from "./dom.js";
import { formatMoney } from "./money.js";
import { button, liveLine } from "./ui.js";

/**
 * Draws the row into `section` and loads it; `go(destination)` follows a
 * tile's button. Answers `load` (after an action changed a figure) and `reset`.
 * @param {HTMLElement} section
 * @param {{
 *   admin: (path: string, options?: object) => Promise<any>,
 *   isHandled: (err: unknown) => boolean,
 *   messageOf: (err: unknown) => string,
 *   health: () => Promise<any>,
 *   go: (destination: string) => void,
 * }} deps
 */
export function dashboardView(section, { admin, isHandled, messageOf, health, go }) {
	const refresh = button("Refresh", { id: "refresh-dashboard", small: true });
	const status = liveLine("dashboard-status");
	const tiles = h("ul", {
		id: "dashboard-tiles",
		class: "tiles",
		"aria-labelledby": "dashboard-heading",
	});
	section.append(
		h(
			"div",
			{ class: "dashboard-head" },
			h("h2", { id: "dashboard-heading", class: "panel-heading" }, "At a glance"),
			refresh,
		),
		status,
		tiles,
	);
	const requests = latestRequest();

	async function load() {
		const request = requests.next();
		// Said on the first load only: a refresh after an action must not talk over its answer.
		if (tiles.childElementCount === 0) say(status, "Loading…");
		try {
			const [board, webhooks] = await Promise.all([
				admin("/admin/dashboard", { signal: request }),
				health().catch((err) => {
					if (isHandled(err)) throw err;
					return null;
				}),
			]);
			if (request.aborted) return;
			replaceChildren(tiles, dashboardTiles(board, webhooks));
			say(status, "");
		} catch (err) {
			if (request.aborted || isHandled(err)) return;
			say(status, `Could not load the dashboard: ${messageOf(err)}`);
		}
	}

	tiles.addEventListener("click", (event) => {
		const target = event.target.closest("button[data-go]");
		if (target) go(target.dataset.go);
	});
	refresh.addEventListener("click", load);

	return {
		load,
		reset() {
			requests.next();
			replaceChildren(tiles);
			status.textContent = "";
		},
	};
}

/** The tiles for `GET /admin/dashboard` and the webhook health (null when it could not be read). */
function dashboardTiles(board, health) {
	return [
		tile("Paid today", [...paidLines(board.today), sinceLine(board.today?.since)]),
		tile("This week", [...paidLines(board.week), sinceLine(board.week?.since)]),
		tile("Awaiting payment", plural(board.awaitingPayment ?? 0, "checkout"), {
			action: "See them",
			go: "awaiting",
		}),
		tile("Alerts, last 7 days", String(board.alertsLast7Days ?? 0), {
			action: "See alerts",
			go: "alerts",
			warn: board.alertsLast7Days > 0,
		}),
		tile("Failed e-mails", String(board.failedEmails ?? 0), {
			action: "See them",
			go: "failed-emails",
			warn: board.failedEmails > 0,
		}),
		webhookTile(health),
		...(board.subscriptions?.length > 0 ? [subscriptionsTile(board.subscriptions)] : []),
		...(board.lowStock?.length > 0 ? [lowStockTile(board.lowStock)] : []),
	];
}

/** Each currency's paid orders and gross revenue, one line each; with refunds, what went back and the net. */
function paidLines(period) {
	const paid = Array.isArray(period?.paid) ? period.paid : [];
	if (paid.length === 0) return [h("span", { class: "tile-line" }, "No paid orders")];
	return paid.map((p) =>
		h(
			"span",
			{ class: "tile-line" },
			h("strong", {}, formatMoney(p.revenue, p)),
			` · ${plural(p.orders, "order")}`,
			p.refunded > 0
				? `, ${formatMoney(p.refunded, p)} refunded, ${formatMoney(p.net, p)} net`
				: "",
		),
	);
}

const utcDay = new Intl.DateTimeFormat("en", {
	weekday: "short",
	day: "numeric",
	month: "short",
	timeZone: "UTC",
});

/** Days start at midnight UTC, weeks on Monday: the tile says from when it counts. */
function sinceLine(iso) {
	if (!iso) return [];
	return h(
		"span",
		{ class: "tile-line small muted" },
		"since ",
		h("time", { datetime: iso }, utcDay.format(new Date(iso))),
		" (UTC)",
	);
}

/** A tile: its label, its figures, and the button that goes where they come from. */
function tile(label, value, { action, go, warn = false } = {}) {
	return h(
		"li",
		{ class: `tile${warn ? " is-warning" : ""}` },
		h("h3", { class: "tile-label" }, label),
		h("p", { class: "tile-value" }, value),
		action
			? h(
					"button",
					{ type: "button", class: "link-button tile-action", dataset: { go } },
					action,
					srOnly(` (${label.toLowerCase()})`),
				)
			: [],
	);
}

function webhookTile(health) {
	if (!health)
		return tile("Webhooks", "Could not be read", { action: "See webhooks", go: "webhooks" });
	const failed = health.last24h?.failed ?? 0;
	return tile(
		"Webhooks",
		[
			h(
				"span",
				{ class: "tile-line" },
				health.lastReceivedAt
					? [
							"Last event ",
							h(
								"time",
								{ datetime: health.lastReceivedAt, title: health.lastReceivedAt },
								relativeTime(health.lastReceivedAt),
							),
						]
					: "No event received yet",
			),
			h("span", { class: "tile-line" }, `${plural(failed, "failure")} in 24 h`),
		],
		{ action: "See webhooks", go: "webhooks", warn: failed > 0 || !health.lastReceivedAt },
	);
}

/** Products at or under their low-stock threshold (shown only when there are some). */
function lowStockTile(products) {
	return tile(
		"Low stock",
		products.map((p) => h("span", { class: "tile-line" }, `${p.name}: ${p.stock} left`)),
		{ action: "See the catalog", go: "catalog", warn: true },
	);
}

/** Active subscriptions and monthly recurring revenue, per currency (SPEC 15). */
function subscriptionsTile(perCurrency) {
	return tile(
		"Subscriptions",
		perCurrency.map((c) =>
			h(
				"span",
				{ class: "tile-line" },
				h("strong", {}, `${formatMoney(c.monthlyRecurringRevenue, c)} / month`),
				` · ${plural(c.active, "active subscription")}`,
			),
		),
		{ action: "See them", go: "subscriptions" },
	);
}
