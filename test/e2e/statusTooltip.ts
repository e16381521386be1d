/** Reading the identity out of the status bar item's tooltip, as a person reads it. */

/** What the status bar tooltip of the active identity says. */
export interface TooltipIdentity {
  readonly text: string;
  readonly arn: string;
  readonly account: string;
  readonly expires?: string;
}

export function parseIdentityTooltip(text: string): TooltipIdentity {
  const arn = /ARN: (arn:\S+)/.exec(text)?.[1];
  const account = /Account: (\d{12})/.exec(text)?.[1];
  if (!arn || !account) throw new Error(`The status bar tooltip shows no identity (no "ARN:" / "Account:" rows): ${JSON.stringify(text)}`);
  const expires = /Expires: (\S+)/.exec(text)?.[1];
  return { text, arn, account, ...(expires ? { expires } : {}) };
}
