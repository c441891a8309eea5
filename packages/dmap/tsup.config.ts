import { defineConfig } from "tsup";
import { libraryBuild } from "../../tsup.shared";

export default defineConfig(
  libraryBuild({
    index: "src/index.ts",
    fake: "src/fake/index.ts",
    scan: "src/scan.ts",
    tags: "src/tags/index.ts",
  }),
);
