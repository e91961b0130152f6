/** The demo's golden transcripts, played with expectTranscript as a bot author would. */
import { expectTranscript } from "colloquy/testing";
import { describe, it } from "vitest";
import { demoBot } from "./harness.js";

const welcome =
  "bot> Welcome to the colloquy demo. Try /name, /order, /weather, /count, /form or /survey. /cancel stops any flow.";
const notUnderstood = "bot> I did not understand. Try /start.";

describe("the demo's transcripts", () => {
  it("/start welcomes; /name asks, greets and times out on the clock", async () => {
    const { bot, clock } = demoBot({ askTimeoutMs: 5_000 });
    await expectTranscript(
      bot,
      `
      you> /start
      ${welcome}
      you> hello?
      ${notUnderstood}
      you> /name
      bot> What is your name?
      you> Ann
      bot> Hello, Ann!
      you> /name
      bot> What is your name?
      … 5 s pass
      bot> You took too long. Try /name again.
      you> Ann
      ${notUnderstood}
      `,
      { clock },
    );
  });

  it("/cancel ends a wait once; another command ends it silently and runs", async () => {
    const { bot } = demoBot();
    await expectTranscript(
      bot,
      `
      you> /cancel
      bot> Nothing to cancel.
      you> /name
      bot> What is your name?
      you> /cancel
      bot> Cancelled.
      you> Ann
      ${notUnderstood}
      you> /name
      bot> What is your name?
      you> /start
      ${welcome}
      you> Ann
      ${notUnderstood}
      `,
    );
  });

  it("/order takes an order with its reply keyboard, and /cancel leaves it", async () => {
    const { bot } = demoBot();
    await expectTranscript(
      bot,
      `
      you> /order
      bot> Hello, Ann! Are you hungry?
        (reply keyboard) [1] Yes  [2] No
      you> #1
      bot> No worries, I've got your back!
      bot> What are you gonna order? Cart: Empty
        (reply keyboard) [1] Finish  [2] Cancel
      you> Pizza
      bot> Added Pizza
      bot> What are you gonna order? Cart: Pizza
        (reply keyboard) [1] Finish  [2] Cancel
      you> /start
      ${welcome}
      you> Tea
      bot> Added Tea
      bot> What are you gonna order? Cart: Pizza, Tea
        (reply keyboard) [1] Finish  [2] Cancel
      you> #1
      bot> Ordering Pizza, Tea
      bot> Ordered!
      bot> Again main menu! Are you hungry?
        (reply keyboard) [1] Yes  [2] No
      you> /order
      bot> Hello, Ann! Are you hungry?
        (reply keyboard) [1] Yes  [2] No
      you> /cancel
      bot> Cancelled.
        (reply keyboard removed)
      you> Yes
      ${notUnderstood}
      `,
    );
  });

  it("/form validates each step, goes back with the Back button, and saves", async () => {
    const { bot } = demoBot();
    await expectTranscript(
      bot,
      `
      you> /form
      bot> Step 1/3: your email?
      you> not-an-email
      bot> That does not look like an email address.
      bot> Step 1/3: your email?
      you> ann@example.com
      bot> Step 2/3: your age?
        [1] Back
      you> 200
      bot> Age must be a whole number from 1 to 150.
      bot> Step 2/3: your age?
        [1] Back
      you> 33
      bot> Step 3/3: your city?
        [1] Back
      you> #1
      bot> Step 2/3: your age?
        [1] Back
      you> 34
      bot> Step 3/3: your city?
        [1] Back
      you> Lisbon
      bot> Saved: email=ann@example.com, age=34, city=Lisbon
      `,
    );
  });

  it("/weather finds a city, offers continue and quit, accepts a typed choice, and terminates", async () => {
    const { bot } = demoBot();
    await expectTranscript(
      bot,
      `
      you> /weather
      bot> Name a city:
      you> atlantis
      bot> Found nothing. I know Paris, Berlin, London, Tokyo, New York, Madrid, Rome, and Sydney.
      bot> Name a city:
      you> paris
      bot> Found Paris (France) at latitude 48.85341 and longitude 2.3488
      bot> Current temperature is 9.7 °C
      bot> What should we do next?
        [1] continue  [2] quit
      you> #1
      bot> Name a city:
      you> /weather
      bot> Already running, call /cancel to exit
      you> Berlin
      bot> Found Berlin (Germany) at latitude 52.52437 and longitude 13.41053
      bot> Current temperature is 3.0 °C
      bot> What should we do next?
        [1] continue  [2] quit
      you> maybe
      bot> Try again
      bot> What should we do next?
        [1] continue  [2] quit
      you> quit
      bot> Terminating
      you> more text
      ${notUnderstood}
      `,
    );
  });

  it("/count counts later messages, runs other commands meanwhile, and closes after the silence", async () => {
    const { bot, clock } = demoBot({ countIdleMs: 2_500 });
    await expectTranscript(
      bot,
      `
      you> /count
      bot> Counting messages in this chat. Send anything; a flow you start from now on gets its answers first.
      you> a
      bot> 1
      you> /start
      ${welcome}
      you> b
      bot> 2
      … 2499 ms pass
      you> c
      bot> 3
      … 2.5 s pass
      bot> Counter closed after 2.5 s of silence.
      you> d
      ${notUnderstood}
      you> /count
      bot> Counting messages …
      you> /cancel
      bot> Cancelled.
      you> e
      ${notUnderstood}
      `,
      { clock },
    );
  });

  it("/survey asks three questions, re-asks a bad number, and thanks", async () => {
    const { bot } = demoBot();
    await expectTranscript(
      bot,
      `
      you> /survey
      bot> Survey 1/3: what is your name?
      you> Ann
      bot> Survey 2/3: how many hours do you sleep, Ann?
      you> lots
      bot> Please send a number from 0 to 24.
      bot> Survey 2/3: how many hours do you sleep, Ann?
      you> 7
      bot> Survey 3/3: coffee or tea?
        [1] coffee  [2] tea
      you> #2
      bot> Thanks, Ann: 7 h of sleep and tea.
      `,
    );
  });

  it("one user in several flows: the newest gets the answer (issue 22's transcript)", async () => {
    const { bot } = demoBot();
    await expectTranscript(
      bot,
      `
      you> /count
      bot> Counting messages …
      you> a
      bot> 1
      you> /form
      bot> Step 1/3: your email?
      you> ann@example.com
      bot> Step 2/3: your age?
        [1] Back
      you> /order
      bot> Hello, Ann! Are you hungry?
        (reply keyboard) [1] Yes  [2] No
      you> Yes
      bot> No worries, I've got your back!
      bot> What are you gonna order? Cart: Empty
        (reply keyboard) [1] Finish  [2] Cancel
      `,
    );
  });

  it("/count in a group counts everyone's messages; each person's /name is their own", async () => {
    const { bot } = demoBot();
    await expectTranscript(
      bot,
      `
      ada@team you> /count
      bot> Counting messages …
      bob@team you> hi
      bot> 1
      ada@team you> /name
      bot> What is your name?
      bob@team you> Bob
      bot> 2
      ada@team you> Ada
      bot> Hello, Ada!
      `,
    );
  });
});
