/**
 * @coop/transparency-log: an append-only Merkle log (RFC 9162 section 2.1 hashing, inclusion and
 * consistency proofs), storage-agnostic node planning for a database of complete subtrees, and
 * signed tree heads in the C2SP tlog-checkpoint layout. Pure: node:crypto only, no clock, no I/O.
 */
export { TransparencyLogError, type TransparencyLogErrorCode, type VerifyResult } from './merkle.errors';
export { HASH_SIZE, hashLeaf, hashLeafText, hashChildren, emptyRootHash } from './hashing';
export { type NodeCoord, decomposeRange, nodeRange } from './tree-geometry';
export { type ReadPlan, planRoot, planInclusion, planConsistency, assemblePlan } from './proof-plan';
export {
  type NodeReader,
  type SyncNodeReader,
  rootHash,
  inclusionProof,
  consistencyProof,
  rootHashSync,
  inclusionProofSync,
  consistencyProofSync,
} from './node-reader';
export {
  type NewNode,
  type AppendResult,
  planAppend,
  computeAppend,
  appendLeaves,
  appendLeavesSync,
} from './appender';
export { MemoryNodeStore } from './memory-node-store';
export {
  type InclusionCheck,
  type ConsistencyCheck,
  rootFromInclusionProof,
  verifyInclusion,
  verifyConsistency,
} from './proof-verify';
export { type Checkpoint, TIMESTAMP_PREFIX, formatCheckpointBody, parseCheckpointBody } from './checkpoint';
export {
  signCheckpoint,
  verifyCheckpoint,
  keyId,
  keyIdBytes,
  rawPublicKey,
  privateKeyFromBase64,
  privateKeyToBase64,
  publicKeyFromBase64,
  publicKeyToBase64,
  formatSignedNote,
} from './checkpoint-signing';
export {
  type CheckpointInconsistency,
  type CheckpointConsistencyResult,
  checkCheckpointConsistency,
} from './checkpoint-consistency';
