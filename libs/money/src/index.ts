/** Public API of @coop/money: integer money, fares, the double-entry journal and allocations. */
export * from './errors';
export * from './currency';
export * from './money';
export * from './fare-policy';
export * from './fares';
export * from './accounts';
export * from './journal';
export * from './posting-rules';
export * from './allocation';
export * from './payouts';
export * from './payment-files';
export * from './dividends';
