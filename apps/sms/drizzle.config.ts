// Read by drizzle-kit (see db/schema.ts for the command); a plain object so tsc needs no drizzle-kit types.
export default {
  dialect: "sqlite",
  schema: "./db/schema.ts",
  out: "./drizzle",
};
