import type { Redactor } from '../redact.js';
import type { Manifest } from './types.js';

/** Header names whose values are credentials (Authorization, X-Api-Key, Cookie, …). */
const SECRET_HEADER = /auth|token|secret|key|cookie|signature|password/i;

/**
 * Registers every secret a manifest holds with a Redactor before anything is printed or
 * logged: the bot token, third-party Bearer tokens, signing secrets and credential headers.
 */
export function registerManifestSecrets(manifest: Manifest, redactor: Redactor): void {
  // A field whose variable is unset holds its text as written (`${IM_TOKEN}`): no secret, and masking it would hide which variable is meant.
  const unresolved = new Set((manifest.unresolved ?? []).map((reference) => reference.written));
  const add = (value: string | undefined) => {
    if (value !== undefined && !unresolved.has(value)) redactor.add(value);
  };
  add(manifest.discord.token);
  for (const guild of manifest.guilds) {
    for (const command of guild.commands) {
      for (const action of command.actions) {
        if (action.type === 'THIRD_PARTY_MESSAGE') add(action.token);
        if (action.type === 'HTTP_POST') {
          add(action.signingSecret);
          for (const [name, value] of Object.entries(action.headers)) {
            if (SECRET_HEADER.test(name)) add(value);
          }
        }
      }
    }
  }
}
