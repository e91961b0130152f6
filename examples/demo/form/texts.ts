/** What the /form flow says, word for word: users and the golden transcripts rely on it. */
export const formTexts = {
  askEmail: "Step 1/3: your email?",
  askAge: "Step 2/3: your age?",
  askCity: "Step 3/3: your city?",
  badEmail: "That does not look like an email address.",
  badAge: "Age must be a whole number from 1 to 150.",
  backInactive: "This button is no longer active.",
  saved: (form: { readonly email: string; readonly age: number; readonly city: string }) =>
    `Saved: email=${form.email}, age=${String(form.age)}, city=${form.city}`,
} as const;

/** The inline button under the prompts of steps 2 and 3, and the callback data it sends. */
export const backButton = { text: "Back", data: "back" } as const;
