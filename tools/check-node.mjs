// Fails when the Node that runs the tests is older than 22: a silent fall back to the system Node must not pass.
const [major] = process.versions.node.split(".").map(Number)
if (major < 22) {
  console.error(`@orch needs Node >= 22 (this is ${process.version} at ${process.execPath}).`)
  console.error("Run `npm ci` with install scripts allowed: the `node` devDependency installs Node 24 into node_modules/.bin.")
  process.exit(1)
}
console.log(`node ${process.version} (${process.execPath})`)
