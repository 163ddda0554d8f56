export { announcedActions, announcementOf, MAX_MESSAGE_LENGTH } from "./announcement";
export { createOutboxDrainer, nonceOf, type DrainRound, type OutboxDrainer, type OutboxDrainerOptions } from "./drain-outbox";
export { transactionsPolicy, type TransactionsPolicy } from "./policy";
