// Read by drizzle-kit (command in src/db/schema.ts); a plain object so tsc needs no drizzle-kit types.
export default {
  dialect: "sqlite",
  schema: "./src/db/schema.ts",
  out: "./drizzle",
};
