import { describe, expect, it } from "vitest";
import { latestRequest } from "../../public/js/admin-view.js";

describe("the console's late-answer guard", () => {
	it("aborts the earlier request when a later one starts, so only the latest answer counts", () => {
		const requests = latestRequest();
		const first: AbortSignal = requests.next();
		expect(first.aborted).toBe(false);
		const second: AbortSignal = requests.next();
		expect([first.aborted, second.aborted]).toEqual([true, false]);
		// A fetch given the earlier signal is cancelled with an AbortError, not merely ignored.
		expect(first.reason).toMatchObject({ name: "AbortError" });
	});
});
