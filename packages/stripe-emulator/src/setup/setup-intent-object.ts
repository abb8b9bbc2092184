import type { JsonObject } from "../state/json.ts";
import type { SetupIntentRecord } from "../state/store.ts";

/** The `setup_intent` object, with every field of Stripe's fixture. */
export function renderSetupIntent(intent: SetupIntentRecord): JsonObject {
	return {
		id: intent.id,
		object: "setup_intent",
		application: null,
		automatic_payment_methods: null,
		cancellation_reason: null,
		client_secret: intent.clientSecret,
		created: intent.created,
		customer: intent.customerId,
		customer_account: null,
		description: intent.description,
		excluded_payment_method_types: null,
		flow_directions: null,
		last_setup_error: null,
		latest_attempt: null,
		livemode: false,
		mandate: null,
		metadata: { ...intent.metadata },
		next_action: null,
		on_behalf_of: null,
		payment_method: intent.paymentMethodId,
		payment_method_configuration_details: null,
		payment_method_options: {
			card: { mandate_options: null, network: null, request_three_d_secure: "automatic" },
		},
		payment_method_types: ["card"],
		single_use_mandate: null,
		status: intent.status,
		usage: intent.usage,
	};
}
