export { canonicalize, canonicalBytes } from './canonicalize';
export { canonicalizeReference } from './canonicalize.reference';
export { NOT_PLAIN, checkPlainContainer, memberName, quoteString, sortedNames, writeNumber, writePlain } from './plain-json-writer';
export { CanonicalJsonError, type CanonicalJsonErrorCode } from './canonical-json.errors';
