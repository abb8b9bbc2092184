/**
 * The console's Alerts tab: what needs a human (a payment that did not match,
 * a refund Stripe refused, a webhook that failed…), newest first.
 */
import { latestRequest, plural, shortOrderButton } from "./admin-view.js";
import { h, replaceChildren, say, timeEl } from "./dom.js";
import { button, dataTable, liveLine, toolbar } from "./ui.js";

/**
 * @param {HTMLElement} panel
 * @param {{
 *   admin: (path: string, options?: object) => Promise<any>,
 *   isHandled: (err: unknown) => boolean,
 *   messageOf: (err: unknown) => string,
 *   loaded: Set<string>,
 * }} deps
 */
export function alertsTab(panel, { admin, isHandled, messageOf, loaded }) {
	const refresh = button("Refresh", { id: "refresh-alerts", small: true });
	const status = liveLine("alerts-status");
	panel.append(
		toolbar(refresh),
		status,
		dataTable({
			label: "Alerts table",
			caption: "Alerts, newest first",
			columns: ["Created", "Kind", "Order", "Message"],
			bodyId: "alerts-body",
			// Cards on a phone: the message, the part to read, never out of view.
			className: "stacked-table",
		}),
	);
	const body = panel.querySelector("#alerts-body");
	const requests = latestRequest();

	async function load() {
		loaded.add(panel.id);
		const request = requests.next();
		say(status, "Loading alerts…");
		try {
			const data = await admin("/admin/alerts", { signal: request });
			if (request.aborted) return;
			const alerts = Array.isArray(data.alerts) ? data.alerts : [];
			replaceChildren(
				body,
				alerts.map((a) =>
					h(
						"tr",
						{},
						h("td", { dataset: { label: "Created" } }, timeEl(a.createdAt)),
						h("td", { dataset: { label: "Kind" } }, (a.kind ?? "—").replaceAll("_", " ")),
						h("td", { dataset: { label: "Order" } }, a.orderId ? shortOrderButton(a.orderId) : "—"),
						h("td", { class: "wrap-text", dataset: { label: "Message" } }, a.message ?? "—"),
					),
				),
			);
			say(status, alerts.length ? `${plural(alerts.length, "alert")}.` : "No alerts.");
		} catch (err) {
			if (request.aborted) return;
			loaded.delete(panel.id);
			if (!isHandled(err)) say(status, `Could not load alerts: ${messageOf(err)}`);
		}
	}

	refresh.addEventListener("click", load);

	return {
		load,
		reset() {
			requests.next();
			replaceChildren(body);
			status.textContent = "";
		},
	};
}
