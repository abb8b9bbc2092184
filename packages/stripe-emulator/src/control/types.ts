import type { Route } from "../api/types.ts";
import type { EmulatorContext } from "../state/context.ts";
import type { FaultInjector } from "./faults.ts";
import type { ControlInput } from "./input.ts";

/** What a `/_emulator` handler gets. */
export type ControlRequest = {
	ctx: EmulatorContext;
	faults: FaultInjector;
	/** The JSON body (POST) or the query string as an object (GET). */
	input: ControlInput;
	pathParams: Record<string, string>;
};

/** Returns the JSON body of a 200 answer or throws a `StripeApiError`. */
export type ControlHandler = (request: ControlRequest) => unknown;

export type ControlRoute = Route<ControlHandler>;
