import { inputEnum, inputNumber, inputString } from "./input.ts";
import type { ControlRoute } from "./types.ts";

/** Injected API failures and slowness. */
export const controlFaultRoutes: ControlRoute[] = [
	{
		method: "POST",
		pattern: "/_emulator/faults",
		handler: ({ faults, input }) => ({
			fault: faults.add({
				match: inputString(input, "match"),
				status: inputNumber(input, "status"),
				count: inputNumber(input, "count"),
				delayMs: inputNumber(input, "delayMs"),
				type: inputString(input, "type"),
				phase: inputEnum(input, "phase", ["before", "after"] as const),
				hold: input.hold === true || input.hold === "true",
			}),
		}),
	},
	{
		method: "POST",
		pattern: "/_emulator/faults/release",
		handler: ({ faults, input }) => ({ released: faults.release(inputNumber(input, "id")) }),
	},
	{
		method: "GET",
		pattern: "/_emulator/faults",
		handler: ({ faults, input }) => ({
			data: faults.list(),
			held: faults.heldCount(inputNumber(input, "id")),
		}),
	},
	{
		method: "DELETE",
		pattern: "/_emulator/faults",
		handler: ({ faults }) => {
			faults.clear();
			return { ok: true };
		},
	},
];
