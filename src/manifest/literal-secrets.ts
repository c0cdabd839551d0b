import { issue, type ManifestIssue } from './issues.js';
import type { RawManifestFile } from './raw-manifest.js';
import { joinPointer, type SourceMap } from './source-map.js';

/**
 * Secrets belong in the environment (`${VAR}`), not in a file that is committed. A secret
 * written literally still works — the sandbox demo needs no setup — but gets a warning.
 */
export function checkLiteralSecrets(data: RawManifestFile, map: SourceMap, interpolated: ReadonlyMap<unknown, string>): ManifestIssue[] {
  const pointers: string[] = [];
  if (data.discord) pointers.push('/discord/token');
  (data.guilds ?? []).forEach((guild, g) =>
    (guild.commands ?? []).forEach((command, c) =>
      command.actions.forEach((action, a) => {
        const base = joinPointer('', 'guilds', g, 'commands', c, 'actions', a);
        if (action.type === 'HTTP_POST' && action.signing_secret !== undefined) pointers.push(`${base}/signing_secret`);
        if (action.type === 'THIRD_PARTY_MESSAGE') pointers.push(`${base}/token`);
      }),
    ),
  );
  return pointers
    .filter((pointer) => !interpolated.has(map.nodeAt(pointer)))
    .map((pointer) =>
      issue('secret_literal', `${pointer.split('/').pop()} is written in the file; use \${ENV_VAR} so the secret stays out of git`, map.locate(pointer), { path: pointer, severity: 'warning' }),
    );
}
