/** Every text the demo says that users and tests rely on, in one place. */
export const texts = {
  welcome:
    "Welcome to the colloquy demo. Try /name, /order, /weather, /count, /form or /survey. /cancel stops any flow.",
  askName: "What is your name?",
  hello: (name: string) => `Hello, ${name}!`,
  tooSlow: "You took too long. Try /name again.",
  cancelled: "Cancelled.",
  nothingToCancel: "Nothing to cancel.",
  notUnderstood: "I did not understand. Try /start.",
  alreadyRunning: "Already running, call /cancel to exit",
  counting:
    "Counting messages in this chat. Send anything; a flow you start from now on gets its answers first.",
  counterClosed: (idleMs: number) => `Counter closed after ${String(idleMs / 1000)} s of silence.`,
  counterStopped: "Counter closed: the bot is stopping.",
  flowFailed: "Something went wrong and the flow stopped. Try again.",
  surveyName: "Survey 1/3: what is your name?",
  surveySleep: (name: string) => `Survey 2/3: how many hours do you sleep, ${name}?`,
  surveyNotHours: "Please send a number from 0 to 24.",
  surveyDrink: "Survey 3/3: coffee or tea?",
  surveyThanks: (name: string, hours: string, drink: string) =>
    `Thanks, ${name}: ${hours} h of sleep and ${drink}.`,
} as const;

/** The commands the demo registers with Telegram, in menu order. */
export const commands = [
  { command: "start", description: "What this demo can do" },
  { command: "name", description: "Ask for your name (ctx.ask)" },
  { command: "weather", description: "The weather flow (Io states)" },
  { command: "order", description: "Order food (durable node flow)" },
  { command: "count", description: "Count messages in this chat (delegation)" },
  { command: "form", description: "A three-step form with Back" },
  { command: "survey", description: "A survey that survives restarts (durable conversation)" },
  { command: "cancel", description: "Stop any running flow" },
] as const;
