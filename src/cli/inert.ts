/**
 * Text that comes from a ruleset (comments, log prefixes, chain names, whole lines) is printed
 * inert: control characters are escaped, so a ruleset cannot drive the user's terminal (ANSI
 * escape sequences, carriage returns that overwrite a line, C1 controls such as CSI).
 */

// C0 controls except tab, DEL, and C1 controls; newline is escaped too: ruleset text is one line.
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/g;

export function inert(text: string): string {
  return text.replace(CONTROL, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? '\\x' + code.toString(16).padStart(2, '0') : '\\u' + code.toString(16).padStart(4, '0');
  });
}

/**
 * JSON.stringify escapes C0 controls but not DEL or C1 controls, which some terminals obey:
 * escape those as \u sequences too (still valid JSON, same value when parsed).
 */
export function inertJson(value: unknown, indent = 2): string {
  return JSON.stringify(value, null, indent).replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}
