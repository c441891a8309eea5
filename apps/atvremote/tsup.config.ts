import { defineConfig } from "tsup";
import { appBuild } from "../../tsup.app";

export default defineConfig(appBuild({ main: "src/main.ts", launch: "src/launch.ts" }));
