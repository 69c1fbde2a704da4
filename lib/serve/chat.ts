/**
 * Turning chat messages into the prompt the model continues. The model's own chat template (from the
 * templates module) plugs in as a `ChatRenderer`; the default is a plain "User: / Assistant:" layout.
 */

export interface ServeMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/**
 * Messages -> prompt. A string is encoded as plain text (special-token strings in user content stay text);
 * a template that needs control tokens returns the token ids itself.
 */
export type ChatRenderer = (messages: readonly ServeMessage[]) => string | number[];

const LABEL = { system: "System", user: "User", assistant: "Assistant" } as const;

/** "System: ...\n\nUser: ...\nAssistant: ...\nUser: ...\nAssistant:" */
export const defaultChatRenderer: ChatRenderer = (messages) => {
  const lines: string[] = [];
  for (const m of messages) lines.push(`${LABEL[m.role]}: ${m.content}`);
  return lines.join("\n") + "\nAssistant:";
};

/** Where the default layout's next turn starts: generation stops there. */
export const DEFAULT_CHAT_STOP: readonly string[] = ["\nUser:"];
