/**
 * Every suite `npm run bench` knows. A later issue adds its rows by adding a suite file next to
 * these and listing it here.
 *
 * @module
 */
import type { BenchSuite } from "../harness/types.js";
import { conversationSuite } from "./conversation.js";
import { coordinatorSuite } from "./coordinator.js";
import { durableSuite } from "./durable.js";
import { heapSuite } from "./heap.js";
import { orderSuite } from "./order.js";
import { storageSuite } from "./storage.js";
import { throughputSuite } from "./throughput.js";

/** In run order; rows are interleaved across all of them. */
export const suites: readonly BenchSuite[] = [
  throughputSuite,
  conversationSuite,
  heapSuite,
  storageSuite,
  // After the suites whose rows its figures use (conversation, storage).
  durableSuite,
  orderSuite,
  coordinatorSuite(),
];
