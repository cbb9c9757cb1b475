/** BullMQ queues of the dispatch app. Names are prefixed per deployment (REDIS_PREFIX). */
export const queueNames = {
  offerDeadlines: 'offer-deadlines',
  dispatchSweep: 'dispatch-sweep',
  dispatchBatch: 'dispatch-batch',
  tripEvents: 'trip-events',
} as const;
