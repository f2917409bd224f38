/** What an inbound SMS asks of this platform: stop texting the number, or text it again. */
export interface SmsReply {
  kind: 'opt_out' | 'opt_in';
  /** The replying number as Twilio gives it (E.164), the form triggers store SMS addresses in. */
  phone: string;
}

// Twilio's default keywords on long codes and toll-free numbers; it blocks or unblocks the
// number itself and then forwards the message. HELP and INFO only draw Twilio's help reply.
const OPT_OUT = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT']);
const OPT_IN = new Set(['START', 'YES', 'UNSTOP', 'OPTIN']);

function kindOf(form: Readonly<Record<string, string>>): SmsReply['kind'] | null {
  // Advanced Opt-Out (a Messaging Service's own keywords, other languages) names what Twilio did.
  const type = form.OptOutType?.trim().toUpperCase();
  if (type) return type === 'STOP' ? 'opt_out' : type === 'START' ? 'opt_in' : null;
  // Without it, Twilio acts on a message that is one keyword alone ("STOP please" is no opt-out).
  const word = (form.Body ?? '').trim().toUpperCase();
  if (OPT_OUT.has(word)) return 'opt_out';
  return OPT_IN.has(word) ? 'opt_in' : null;
}

/**
 * The opt-out or opt-in an inbound message of Twilio's (its webhook form) carries, or null for
 * any other message (HELP, INFO, a conversation), for one without a sender, and for one texted to
 * a number other than `platformNumber` (the From of every SMS this platform sends): Twilio blocks
 * a STOP per pair of numbers, so a STOP to another number of the account leaves our sends open.
 */
export function smsReplyOf(
  form: Readonly<Record<string, string>>,
  platformNumber: string | undefined,
): SmsReply | null {
  if (!platformNumber || form.To?.trim() !== platformNumber) return null;
  const phone = form.From?.trim();
  const kind = kindOf(form);
  return phone && kind ? { kind, phone } : null;
}
