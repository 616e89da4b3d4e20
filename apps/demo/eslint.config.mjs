// The root config; the root's "apps/**" override (console allowed in apps) is relative to the root, so it is
// repeated here for lint runs from this directory: the CLI and the scenarios print to the terminal by design.
import root from "../../eslint.config.mjs"

export default [...root, { files: ["**/*.ts"], rules: { "no-console": "off" } }]
