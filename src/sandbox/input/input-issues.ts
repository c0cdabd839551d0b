import type { ErrorObject } from 'ajv/dist/2020.js';

/**
 * One problem in a sandbox input (seed, fault set, rate-limit profile, state file), at the
 * path of the offending value, e.g. ['guilds', 0, 'channels', 1, 'id'].
 */
export interface InputIssue {
  path: Array<string | number>;
  message: string;
  /** The problem is the key itself (an unknown key), not its value. */
  atKey?: boolean;
}

/** `guilds.0.channels.1.id`, or `(top level)`. */
export function dottedPath(path: ReadonlyArray<string | number>): string {
  return path.length === 0 ? '(top level)' : path.join('.');
}

/** RFC 6901 pointer → path segments (array indexes as numbers). */
function pointerPath(pointer: string): Array<string | number> {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/**
 * ajv's errors as issues. The schemas write each requirement as the `description` of the
 * node it applies to, so the message is that description. The noise of unions is dropped
 * first: when exactly one branch of an anyOf/oneOf fits the value's type, only that branch's
 * errors remain; otherwise the union speaks for itself with its description. `if` wrappers
 * and the inner errors of `propertyNames` go too.
 */
export function describeSchemaErrors(errors: readonly ErrorObject[]): InputIssue[] {
  const issues: InputIssue[] = [];
  const seen = new Set<string>();
  const kept = dropNoise(errors);
  for (const error of kept) {
    const issue = describeOne(error, errors);
    const key = `${issue.path.join('/')}|${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues;
}

const UNIONS = new Set(['anyOf', 'oneOf']);
/** A branch failing with one of these at the union's own level does not fit the value at all. */
const MISFITS = new Set(['type', 'const']);

/** `error` comes from a subschema of `parent`, on the same value or inside it. */
const isUnder = (error: ErrorObject, parent: ErrorObject) =>
  error !== parent &&
  error.schemaPath.startsWith(`${parent.schemaPath}/`) &&
  (error.instancePath === parent.instancePath || error.instancePath.startsWith(`${parent.instancePath}/`));

function dropNoise(errors: readonly ErrorObject[]): ErrorObject[] {
  const dropped = new Set<ErrorObject>();
  for (const error of errors) {
    if (error.keyword === 'if') dropped.add(error);
    // ajv marks the errors of a `propertyNames` subschema; the propertyNames error says it all.
    if (error.propertyName !== undefined && error.keyword !== 'propertyNames') dropped.add(error);
  }
  for (const union of errors.filter((error) => UNIONS.has(error.keyword))) {
    const branches = new Map<string, ErrorObject[]>();
    for (const error of errors) {
      if (!isUnder(error, union)) continue;
      const branch = error.schemaPath.slice(union.schemaPath.length + 1).split('/')[0]!;
      branches.set(branch, [...(branches.get(branch) ?? []), error]);
    }
    // A branch behind a $ref reports its errors under the referenced schema's path, so it
    // shows no errors here; it fits unless a misfit of its own was recorded.
    const count = Array.isArray(union.schema) ? union.schema.length : branches.size;
    const misfit = (index: string) =>
      (branches.get(index) ?? []).some((error) => MISFITS.has(error.keyword) && error.instancePath === union.instancePath);
    const fitting = Array.from({ length: count }, (_, index) => String(index)).filter((index) => !misfit(index));
    const keep = fitting.length === 1 ? fitting[0] : undefined;
    if (keep !== undefined) dropped.add(union);
    for (const [index, list] of branches) if (index !== keep) for (const error of list) dropped.add(error);
  }
  return errors.filter((error) => !dropped.has(error));
}

function describeOne(error: ErrorObject, all: readonly ErrorObject[]): InputIssue {
  const path = pointerPath(error.instancePath);
  const params = error.params as Record<string, unknown>;
  const description = (error.parentSchema as { description?: unknown } | undefined)?.description;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = Object.keys((error.parentSchema?.properties as Record<string, unknown> | undefined) ?? {});
      return { path: [...path, key], message: `unknown key "${key}" (allowed: ${allowed.join(', ')})`, atKey: true };
    }
    case 'propertyNames': {
      const key = String(params.propertyName);
      const allowed = all.find((inner) => inner.propertyName === key && inner.keyword === 'enum')?.params.allowedValues as unknown[] | undefined;
      const list = allowed ? ` (allowed: ${allowed.map(String).join(', ')})` : '';
      return { path: [...path, key], message: `unknown key "${key}"${list}`, atKey: true };
    }
    case 'required':
      return { path: [...path, String(params.missingProperty)], message: 'is required' };
    case 'discriminator': {
      const tag = String(params.tag);
      const allowed = ((error.parentSchema?.oneOf as Array<{ properties?: Record<string, { const?: unknown }> }> | undefined) ?? [])
        .map((branch) => branch.properties?.[tag]?.const)
        .filter((value) => value !== undefined)
        .map(String);
      return { path: [...path, tag], message: `must be one of ${allowed.join(', ')}` };
    }
    default:
      return { path, message: typeof description === 'string' ? description : (error.message ?? 'is invalid') };
  }
}
