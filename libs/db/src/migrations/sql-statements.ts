/**
 * Splits a SQL script into statements on `;` outside quotes, comments and dollar-quoted bodies.
 * Each statement comes back trimmed, without its `;` and without leading comment lines.
 */
export function sqlStatements(script: string): string[] {
  const statements: string[] = [];
  let start = 0;
  let i = 0;
  while (i < script.length) {
    const rest = script.slice(i);
    const skip = /^(?:'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|\/\*[\s\S]*?\*\/|(\$\w*\$)[\s\S]*?\1)/.exec(rest);
    if (skip) {
      i += skip[0].length;
    } else {
      if (script[i] === ';') {
        statements.push(script.slice(start, i));
        start = i + 1;
      }
      i += 1;
    }
  }
  statements.push(script.slice(start));
  return statements.map(withoutLeadingComments).filter((statement) => statement.length > 0);
}

function withoutLeadingComments(statement: string): string {
  return statement.replace(/^(?:\s*--[^\n]*\n?|\s+)*/, '').trim();
}
