export * from './test-database';
export * from './trip-id';
