// Fails when src/gql (types, typed documents, the persisted-documents manifest) is not what
// `npm run codegen` makes from docs/schema.graphql and the documents in src today.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const committed = "src/gql";
const fresh = mkdtempSync(join(tmpdir(), "codegen-"));
try {
  execFileSync("npx", ["graphql-codegen", "--config", "codegen.ts", "--silent"], {
    env: { ...process.env, CODEGEN_OUT: `${fresh}/` },
    stdio: "inherit",
  });
  const names = new Set([...readdirSync(committed), ...readdirSync(fresh)]);
  const stale = [...names].filter((name) => {
    try {
      return readFileSync(join(committed, name), "utf8") !== readFileSync(join(fresh, name), "utf8");
    } catch {
      return true;
    }
  });
  if (stale.length > 0) {
    console.error(`web/src/gql is stale (${stale.join(", ")}): run \`npm run codegen\` in web/ and commit it.`);
    process.exit(1);
  }
} finally {
  rmSync(fresh, { recursive: true, force: true });
}
