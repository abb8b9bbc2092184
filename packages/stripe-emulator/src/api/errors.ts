import type { JsonObject } from "../state/json.ts";

type ErrorDetails = {
	code?: string;
	param?: string;
	declineCode?: string;
	/** Validation failures happen before the endpoint runs, so Stripe keeps no idempotent result. */
	validation?: boolean;
};

/** An error answered in Stripe's shape: `{"error": {"type", "code", "message", "param"}}`. */
export class StripeApiError extends Error {
	readonly status: number;
	readonly type: string;
	readonly details: ErrorDetails;

	constructor(status: number, type: string, message: string, details: ErrorDetails = {}) {
		super(message);
		this.status = status;
		this.type = type;
		this.details = details;
	}

	/** The response body Stripe would send. */
	toJson(): JsonObject {
		const error: JsonObject = { type: this.type, message: this.message };
		const { code, param, declineCode } = this.details;
		if (code) {
			error.code = code;
			error.doc_url = `https://stripe.com/docs/error-codes/${code.replaceAll("_", "-")}`;
		}
		if (declineCode) error.decline_code = declineCode;
		if (param) error.param = param;
		return { error };
	}
}

/** 400 for a parameter that is present but wrong. */
export function invalidParam(message: string, param: string, code?: string): StripeApiError {
	return new StripeApiError(400, "invalid_request_error", message, {
		param,
		code,
		validation: true,
	});
}

/** 400 for a required parameter that is absent. */
export function missingParam(param: string): StripeApiError {
	return new StripeApiError(400, "invalid_request_error", `Missing required param: ${param}.`, {
		param,
		code: "parameter_missing",
		validation: true,
	});
}

/** 400 for a parameter the endpoint does not know (or no longer knows, in this API version). */
export function unknownParam(param: string): StripeApiError {
	return new StripeApiError(400, "invalid_request_error", `Received unknown parameter: ${param}`, {
		param,
		code: "parameter_unknown",
		validation: true,
	});
}

/** 404 `resource_missing` for an id we do not hold. */
export function resourceMissing(kind: string, id: string, param = "id"): StripeApiError {
	return new StripeApiError(404, "invalid_request_error", `No such ${kind}: '${id}'`, {
		code: "resource_missing",
		param,
	});
}

/** 400 for a request that is valid but not allowed in the object's current state. */
export function invalidState(message: string, code?: string, param?: string): StripeApiError {
	return new StripeApiError(400, "invalid_request_error", message, { code, param });
}
