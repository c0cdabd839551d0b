// @ts-check
/**
 * How a JavaScript action talks to the runner: workflow commands on stdout
 * (`::error file=…,line=…,col=…::message`, `::add-mask::`, `::stop-commands::`) and the
 * environment files GITHUB_OUTPUT and GITHUB_STEP_SUMMARY.
 * https://docs.github.com/actions/reference/workflows-and-actions/workflow-commands
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { appendFile } from 'node:fs/promises';

/** GitHub shows at most this many annotations of one kind (error, warning, notice) per step. */
export const ANNOTATIONS_PER_KIND = 10;

/** @typedef {'error' | 'warning' | 'notice'} AnnotationKind */
/** @typedef {{ file: string, line: number, column: number }} AnnotationLocation */

/**
 * Escapes the message part of a workflow command (the runner unescapes it).
 * @param {string} value
 */
function escapeData(value) {
  return String(value).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/**
 * Escapes a `key=value` property of a workflow command.
 * @param {string} value
 */
function escapeProperty(value) {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * One annotation command.
 * @param {AnnotationKind} kind
 * @param {string} message
 * @param {{ location?: AnnotationLocation, title?: string }} [options]
 */
export function annotation(kind, message, options = {}) {
  const props = [];
  if (options.location) {
    props.push(`file=${escapeProperty(options.location.file)}`);
    props.push(`line=${options.location.line}`);
    props.push(`col=${options.location.column}`);
  }
  if (options.title) props.push(`title=${escapeProperty(options.title)}`);
  return `::${kind}${props.length > 0 ? ` ${props.join(',')}` : ''}::${escapeData(message)}`;
}

/**
 * Tells the runner to replace `secret` with *** in every later log line. The runner
 * consumes this line itself; it never reaches the log.
 * @param {string} secret
 */
export function addMask(secret) {
  return `::add-mask::${escapeData(secret)}`;
}

/** Where the action writes its log: stdout, which the runner reads for workflow commands. */
export class ActionLog {
  /** @param {(text: string) => void} write */
  constructor(write) {
    this.write = write;
  }

  /** @param {string} text */
  line(text) {
    this.write(`${text}\n`);
  }

  /** @param {AnnotationKind} kind @param {string} message @param {{ location?: AnnotationLocation, title?: string }} [options] */
  annotate(kind, message, options) {
    this.line(annotation(kind, message, options));
  }

  /**
   * Text the action did not write itself (cordform's output, names that come from
   * Discord): between `::stop-commands::` and its random end token, so that no line of it
   * can act as a workflow command, and inside a collapsible group. Written as it arrives.
   * @param {string} title
   * @returns {{ write: (text: string) => void, close: () => void }}
   */
  untrusted(title) {
    const token = randomBytes(16).toString('hex');
    this.line(`::group::${escapeData(title)}`);
    this.line(`::stop-commands::${token}`);
    let atLineStart = true;
    return {
      write: (text) => {
        if (text === '') return;
        this.write(text);
        atLineStart = text.endsWith('\n');
      },
      close: () => {
        if (!atLineStart) this.write('\n');
        this.line(`::${token}::`);
        this.line('::endgroup::');
      },
    };
  }
}

/**
 * Appends step outputs to GITHUB_OUTPUT with the multiline-safe syntax
 * `name<<DELIMITER\nvalue\nDELIMITER` and a random delimiter, as @actions/core does.
 * Without GITHUB_OUTPUT (a local run) nothing is written.
 * @param {string | undefined} file
 * @param {Record<string, string>} outputs
 */
export async function writeOutputs(file, outputs) {
  if (!file) return;
  let text = '';
  for (const [name, value] of Object.entries(outputs)) {
    const delimiter = `ghadelimiter_${randomUUID()}`;
    if (name.includes(delimiter) || value.includes(delimiter)) {
      throw new Error(`output ${name}: the value contains the delimiter`);
    }
    text += `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
  }
  await appendFile(file, text, 'utf8');
}

/**
 * Appends Markdown to this step's job summary (GITHUB_STEP_SUMMARY); a local run without it
 * writes nothing.
 * @param {string | undefined} file
 * @param {string} markdown
 */
export async function appendSummary(file, markdown) {
  if (!file) return;
  await appendFile(file, markdown.endsWith('\n') ? markdown : `${markdown}\n`, 'utf8');
}
