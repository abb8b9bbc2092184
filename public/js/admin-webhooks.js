/**
 * The admin console's Webhooks tab: whether Stripe is still delivering (the
 * last event received, the last day's events by result) and the events whose
 * processing failed, each with a Replay that fetches Stripe's copy again and
 * runs it through the webhook's own handler, its result beside the button.
 */

import {
	code,
	field,
	latestRequest,
	plural,
	relativeTime,
	shortOrderButton,
	statusBadge,
} from "./admin-view.js";
import { byId, h, replaceChildren, say, srOnly, timeEl } from "./dom.js";
import { tell } from "./form-feedback.js";
import { button, dataTable, liveLine, toolbar } from "./ui.js";

/** After this long without any event, the panel asks the owner to look at Stripe's side. */
const QUIET_MS = 24 * 60 * 60 * 1000;

/**
 * @param {HTMLElement} panel the tab's panel
 * @param {{
 *   admin: (path: string, options?: object) => Promise<any>,
 *   isHandled: (err: unknown) => boolean,
 *   messageOf: (err: unknown) => string,
 *   loaded: Set<string>,
 *   onReplayed: () => void,
 * }} deps what admin.js shares, and what to refresh after a replay (the dashboard)
 */
export function webhooksTab(panel, { admin, isHandled, messageOf, loaded, onReplayed }) {
	const refresh = button("Refresh", { id: "refresh-events", small: true });
	const status = liveLine("events-status");
	const healthStatus = liveLine("health-status");
	const healthFields = h("dl", { id: "health-fields", class: "fields" });
	const verdict = h("p", { id: "health-verdict", class: "health-verdict" });
	panel.append(
		toolbar(refresh),
		h(
			"section",
			{ id: "webhook-health", class: "panel health", "aria-labelledby": "health-heading" },
			h("h2", { id: "health-heading", class: "panel-heading" }, "Delivery from Stripe"),
			healthStatus,
			healthFields,
			verdict,
		),
		h("h2", { class: "panel-heading" }, "Failed events"),
		status,
		dataTable({
			label: "Failed webhook events table",
			caption: "Webhook events whose processing failed, with a Replay action",
			columns: ["Received", "Event", "Order", "Error", "Action"],
			bodyId: "events-body",
			className: "events-table stacked-table",
		}),
	);
	const body = byId("events-body");

	const requests = latestRequest();
	const healthRequests = latestRequest();

	// ---- health ------------------------------------------------------------------

	/** What the numbers mean for the owner, in one line. */
	function judge(health) {
		const failed = health.last24h?.failed ?? 0;
		if (!health.lastReceivedAt)
			return {
				warn: true,
				text: "No event has ever been received: check the webhook endpoint and its signing secret (README, “Stripe webhooks”).",
			};
		if (failed > 0)
			return {
				warn: true,
				text: `${plural(failed, "event")} failed in the last 24 hours. Stripe retries for three days, then disables the endpoint and says so only by e-mail: replay them below once the cause is fixed.`,
			};
		if (Date.now() - Date.parse(health.lastReceivedAt) > QUIET_MS)
			return {
				warn: true,
				text: "No event for over a day. If orders were paid meanwhile, Stripe may have stopped delivering: check the endpoint in Stripe's dashboard.",
			};
		return {
			warn: false,
			text: "Stripe is delivering and every event of the last day was handled.",
		};
	}

	function renderHealth(health) {
		const day = health.last24h ?? {};
		replaceChildren(
			healthFields,
			field(
				"Last event received",
				health.lastReceivedAt
					? [timeEl(health.lastReceivedAt), ` (${relativeTime(health.lastReceivedAt)})`]
					: "Never",
			),
			field(
				"Last 24 hours",
				h(
					"span",
					{ class: "health-counts" },
					["processed", "ignored", "failed"].map((result) =>
						h("span", { class: "health-count" }, statusBadge(result), ` ${day[result] ?? 0}`),
					),
				),
			),
		);
		const { warn, text } = judge(health);
		verdict.classList.toggle("is-warning", warn);
		verdict.textContent = text;
	}

	async function loadHealth() {
		const mine = healthRequests.next();
		say(healthStatus, "Loading…");
		try {
			const health = await admin("/admin/webhook-health", { signal: mine });
			if (mine.aborted) return;
			renderHealth(health);
			say(healthStatus, "");
		} catch (err) {
			if (!mine.aborted && !isHandled(err))
				say(healthStatus, `Could not load the delivery health: ${messageOf(err)}`);
		}
	}

	// ---- failed events -----------------------------------------------------------

	function replayButton(event) {
		return h(
			"button",
			{ type: "button", class: "btn btn-secondary btn-small", dataset: { replayEvent: event.id } },
			"Replay",
			srOnly(` ${event.type ?? "event"} ${event.id}`),
		);
	}

	function eventRow(event) {
		const feedback = h("p", { class: "form-status small action-feedback", role: "status" });
		return h(
			"tr",
			{ dataset: { eventId: event.id } },
			h("td", { dataset: { label: "Received" } }, timeEl(event.receivedAt)),
			h(
				"td",
				{ class: "event-what", dataset: { label: "Event" } },
				h("span", { class: "email-line" }, event.type ?? "—"),
				h("span", { class: "email-line small" }, code(event.id)),
				h("span", { class: "email-line small muted" }, plural(event.attempts ?? 1, "attempt")),
			),
			h(
				"td",
				{ dataset: { label: "Order" } },
				event.orderId ? shortOrderButton(event.orderId) : "—",
			),
			h("td", { class: "wrap-text", dataset: { label: "Error" } }, event.error ?? "—"),
			h(
				"td",
				{ class: "event-action", dataset: { label: "Action" } },
				replayButton(event),
				feedback,
			),
		);
	}

	async function loadEvents() {
		const mine = requests.next();
		say(status, "Loading failed webhook events…");
		try {
			const data = await admin("/admin/webhook-events?result=failed", { signal: mine });
			if (mine.aborted) return;
			const events = Array.isArray(data.events) ? data.events : [];
			replaceChildren(body, events.map(eventRow));
			say(
				status,
				events.length ? `${plural(events.length, "failed event")}.` : "No failed webhook events.",
			);
		} catch (err) {
			if (mine.aborted) return;
			loaded.delete("panel-events");
			if (!isHandled(err)) say(status, `Could not load events: ${messageOf(err)}`);
		}
	}

	function load() {
		loaded.add("panel-events");
		loadHealth();
		loadEvents();
	}

	/** What became of a replay, in the owner's words. */
	function outcomeText(answer) {
		const result = answer?.outcome?.result ?? answer?.event?.result;
		const detail = answer?.outcome?.detail;
		if (result === "processed")
			return { text: "Replayed: processed. The order is up to date.", error: false };
		if (result === "ignored")
			return {
				text: `Replayed: ignored${detail ? ` (${detail})` : ""}. Nothing to change.`,
				error: false,
			};
		if (result === "in_progress")
			return {
				text: "Not replayed: a delivery of this event is being processed right now. Look again in a minute.",
				error: false,
			};
		return {
			text: `Replayed, failed again: ${detail ?? answer?.event?.error ?? "see the error"}.`,
			error: true,
		};
	}

	body.addEventListener("click", async (event) => {
		const button = event.target.closest("button[data-replay-event]");
		if (!button) return;
		const id = button.dataset.replayEvent;
		const row = button.closest("tr");
		const feedback = row.querySelector(".action-feedback");
		button.disabled = true;
		tell(feedback, "Fetching the event from Stripe and replaying it…");
		try {
			const answer = await admin(`/admin/webhook-events/${encodeURIComponent(id)}/replay`, {
				method: "POST",
			});
			const { text, error } = outcomeText(answer);
			tell(feedback, text, { error });
			if (!error) {
				// Handled now: no second replay. The keyboard stays on the row's answer.
				row.classList.add("is-done");
				feedback.tabIndex = -1;
				button.remove();
				feedback.focus();
				const left = body.querySelectorAll("tr:not(.is-done)").length;
				say(status, left ? `${plural(left, "failed event")} left.` : "No failed events left.");
			}
			loadHealth();
			onReplayed();
		} catch (err) {
			if (!isHandled(err)) tell(feedback, `Not replayed: ${messageOf(err)}`, { error: true });
		} finally {
			if (button.isConnected) button.disabled = false;
		}
	});

	refresh.addEventListener("click", load);

	return {
		load,
		/** The health alone, for the dashboard's webhook tile. */
		health: () => admin("/admin/webhook-health"),
		reset() {
			requests.next();
			healthRequests.next();
			replaceChildren(body);
			replaceChildren(healthFields);
			verdict.textContent = "";
			for (const el of [status, healthStatus]) el.textContent = "";
		},
	};
}
