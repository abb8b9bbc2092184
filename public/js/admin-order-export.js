/**
 * The Orders tab's export (SPEC 17): the orders the list shows (its search or
 * its view), between the days asked for, as CSV from `GET /admin/orders.csv`
 * (read with the token, never a token in an address), saved as a file.
 */
import { giveFocusBack, plural } from "./admin-view.js";
import { h } from "./dom.js";
import { tell } from "./form-feedback.js";

/**
 * @param {HTMLFormElement} exportForm the tab's export form (from, to)
 * @param {{
 *   admin: (path: string, options?: object) => Promise<any>,
 *   isHandled: (err: unknown) => boolean,
 *   messageOf: (err: unknown) => string,
 *   filters: () => Record<string, string>,
 * }} deps the console's request, and the list's filters now
 */
export function ordersExport(exportForm, { admin, isHandled, messageOf, filters }) {
	const exportStatus = exportForm.querySelector("#export-status");
	const submitButton = exportForm.querySelector("button[type=submit]");
	exportForm.addEventListener("submit", async (event) => {
		event.preventDefault();
		const params = new URLSearchParams(filters());
		for (const name of ["from", "to"]) {
			const value = exportForm.elements[name].value;
			if (value) params.set(name, value);
		}
		submitButton.disabled = true;
		tell(exportStatus, "Exporting…");
		try {
			const csv = await admin(`/admin/orders.csv?${params}`, { answer: "text" });
			// The byte order mark the worker sent (fetch's text() drops it): spreadsheets read UTF-8 then.
			const url = URL.createObjectURL(
				new Blob(["\uFEFF", csv], { type: "text/csv;charset=utf-8" }),
			);
			const link = h("a", { href: url, download: `orders-${params.get("from") ?? "all"}.csv` });
			document.body.append(link);
			link.click();
			link.remove();
			setTimeout(() => URL.revokeObjectURL(url), 60_000);
			const count = Math.max(0, csv.split("\r\n").filter(Boolean).length - 1);
			tell(exportStatus, `Exported ${plural(count, "order")}.`);
		} catch (err) {
			if (isHandled(err)) return;
			tell(exportStatus, `Not exported: ${messageOf(err)}`, { error: true });
		} finally {
			submitButton.disabled = false;
			// Disabled while it worked, the button let the keyboard fall to the page: back to it.
			giveFocusBack(submitButton, exportStatus);
		}
	});
}
