// The one list of strings that must never be shown (docs/security.md, items 4, 5). Created once in
// activate; the key store feeds it every key it reads or is given, and the log, the provider HTTP client
// and every error message read it. Nothing else assembles a list of secrets by hand, so no call site can
// forget one.
import { redactSecrets } from './redact';

/** Shorter strings are too likely to occur in ordinary text to be masked everywhere. */
const MIN_SECRET_LENGTH = 4;

export class SecretRegistry {
  private readonly secrets = new Set<string>();

  /** From now on `secret` is masked wherever Inkwell shows or logs text. */
  remember(secret: string | undefined): void {
    if (secret && secret.length >= MIN_SECRET_LENGTH) this.secrets.add(secret);
  }

  /** Every secret remembered this session. */
  known(): readonly string[] {
    return [...this.secrets];
  }

  /** `text` with every remembered secret, and the shapes of keys in general, masked. */
  redact(text: string): string {
    return redactSecrets(text, this.known());
  }
}
