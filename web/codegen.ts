import type { CodegenConfig } from "@graphql-codegen/cli";

// Types and typed documents from the API's schema, plus the persisted-documents manifest
// (sha256 of each document -> document) that the API's GRAPHQL_TRUSTED_DOCUMENTS accepts.
// CODEGEN_OUT lets a check write elsewhere and compare with the committed files.
const out = process.env.CODEGEN_OUT ?? "./src/gql/";

const config: CodegenConfig = {
  schema: "../docs/schema.graphql",
  documents: ["src/**/*.{ts,tsx}", "!src/gql/**/*"],
  ignoreNoDocuments: false,
  generates: {
    [out]: {
      preset: "client",
      presetConfig: {
        fragmentMasking: false,
        persistedDocuments: { mode: "embedHashInDocument", hashAlgorithm: "sha256" },
      },
      config: {
        enumsAsTypes: true,
        useTypeImports: true,
        scalars: { DateTime: "string", JSON: "unknown", UUID: "string" },
      },
    },
  },
};

export default config;
