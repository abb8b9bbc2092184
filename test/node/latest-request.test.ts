import { describe, expect, it } from "vitest";
import { latestRequest } from "../../public/js/admin-view.js";

describe("the console's late-answer guard", () => {
	it("aborts the earlier request when a later one starts, so only the latest answer counts", () => {
		const requests = latestRequest();
		const first: AbortSignal = requests.next();
		expect(first.aborted).toBe(false);
		const second: AbortSignal = requests.next();
		expect([first.aborted, second.aborted]).toEqual([true, false]);
		// A fetch given the earlier signal is cancelled, not merely ignored.
		const slow = new Promise((_, reject) =>
			first.aborted
				? reject(first.reason)
				: first.addEventListener("abort", () => reject(first.reason)),
		);
		await expect(slow).rejects.toMatchObject({ name: "AbortError" });
	});
});
