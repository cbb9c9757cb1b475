/** Version of the matching library; recorded in every decision so a replay knows which rules produced it. */
export const LIBRARY_VERSION = '@coop/matching@1.0.0';

/** Schema name of decision records. */
export const DECISION_SCHEMA = 'coop-dispatch/matching-decision/v1';
