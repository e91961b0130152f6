/** What the /order flow says: the seed's food-order bot, word for word. */
export const orderTexts = {
  hello: (firstName: string) => `Hello, ${firstName}! Are you hungry?`,
  again: "Again main menu! Are you hungry?",
  gotYourBack: "No worries, I've got your back!",
  later: "Write me when you are ready then!",
  sayWhat: "Say what?",
  whatToOrder: (cart: readonly string[]) =>
    `What are you gonna order? Cart: ${cart.length === 0 ? "Empty" : cart.join(", ")}`,
  added: (item: string) => `Added ${item}`,
  cartEmpty: "Cart is empty! Write Cancel to cancel the order",
  ordering: (cart: readonly string[]) => `Ordering ${cart.join(", ")}`,
  ordered: "Ordered!",
  orderCancelled: "Order cancelled!",
} as const;

/** The reply buttons, which the nodes also compare the user's text with. */
export const buttons = { yes: "Yes", no: "No", finish: "Finish", cancel: "Cancel" } as const;
