#!/usr/bin/env node
// The installed `orch` command: the built CLI (tsc output of src/bin.ts).
import "../dist/bin.js"
