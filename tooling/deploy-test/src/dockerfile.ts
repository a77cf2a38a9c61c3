/**
 * @module dockerfile — a Dockerfile read into its build stages (dockerfile-ast), and its lint
 * findings (dockerfile-utils, the checks behind VS Code's Docker support).
 */
import { DockerfileParser } from "dockerfile-ast";
import { validate } from "dockerfile-utils";

/** One instruction: its keyword (upper-case) and its arguments as written, continuations joined. */
export interface Step {
  keyword: string;
  args: string;
}

/** One `FROM … AS name` stage and its instructions after the FROM. */
export interface Stage {
  name: string | null;
  /** The image it starts from, `name:tag`. */
  image: string;
  steps: Step[];
}

/** The stages of a Dockerfile, in order. */
export function readStages(text: string): Stage[] {
  const stages: Stage[] = [];
  for (const instruction of DockerfileParser.parse(text).getInstructions()) {
    const keyword = instruction.getKeyword().toUpperCase();
    const args = instruction
      .getTextContent()
      .slice(instruction.getKeyword().length)
      .replace(/\\\r?\n/g, " ")
      .replace(/\s+/g, " ")
      .trim();
    if (keyword === "FROM") {
      const [image = "", , name = null] = args.split(/\s+/);
      stages.push({ name, image, steps: [] });
    } else {
      stages.at(-1)?.steps.push({ keyword, args });
    }
  }
  return stages;
}

/** The linter's errors and warnings, one line each (`line N: message`). */
export function lintProblems(text: string): string[] {
  return validate(text).map((d) => `line ${d.range.start.line + 1}: ${d.message}`);
}
