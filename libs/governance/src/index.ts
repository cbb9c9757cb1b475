/** Public API of @coop/governance: proposal patches, whole-document validation, the tally rule. */
export * from './policy-document.schema';
export * from './policy-patch';
export * from './tally';
