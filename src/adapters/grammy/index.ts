/**
 * colloquy for grammY: `bot.use(colloquy())`, then `await ctx.ask(...)` in any handler.
 *
 * @module
 */

export { back, defineNode, end, goto, stay } from "../../nodes/index.js";
export {
  type AnswererMiddleware,
  type AnswererOptions,
  type AnswerInlineQueryOptions,
  answerer,
  type InlineAnswer,
} from "./answerer.js";
export { type BypassOption, isAnswer, leadingCommand } from "./answers.js";
export type { Conversation } from "./conversation/conv.js";
export {
  type ConversationHandle,
  type ConversationOptions,
  conversation,
} from "./conversation/define.js";
export type { ConversationStats } from "./conversation/live-set.js";
export type { ConversationFn } from "./conversation/spec.js";
export {
  type CoordinateOptions,
  type Coordination,
  type CoordinationFlavor,
  coordinate,
  markHandled,
} from "./coordinate.js";
export { type DelegateMiddleware, type DelegateOptions, delegate } from "./delegate.js";
export type {
  AskOptions,
  ColloquyFlavor,
  SendOptions,
  Unfiltered,
  WaitForCallbackQueryOptions,
  WaitForOptions,
} from "./flavor.js";
export { type BotFlow, type BotFlowOptions, createFlow } from "./flow.js";
export {
  type DataStep,
  type HandlerHistory,
  type HandlerHistoryOptions,
  handlerHistory,
  type StepHandler as NamedHandler,
} from "./handler-history.js";
export { inState, type NextStepsOptions, nextStep, nextSteps } from "./next-step.js";
export { type OrderedFlavor, type OrderedOptions, ordered } from "./ordered.js";
export { type ColloquyOptions, type ColloquyPlugin, colloquy } from "./plugin.js";
export { type TelegramIo, type TelegramIoOptions, telegramIo } from "./telegram-io.js";
export {
  type SafeWebhookOptions,
  safeWebhookCallback,
  type WebhookAdapter,
} from "./webhook.js";
