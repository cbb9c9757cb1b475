export * from './policy-document';
export * from './policy-hash';
export * from './default-policy';
