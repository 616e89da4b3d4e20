/** The bugs and gaps the proving ground found in the packages it exercises, as written into RELIABILITY.md. */

/** Markdown: each finding with its file, symptom and repro. */
export const findings = `
1. **First OpenAI-priced call blocks the event loop for ~5.7 s** — \`packages/cost-tracker/src/TokenEstimate.ts\`
   (\`encoder()\`): \`new Tiktoken(o200k_base ranks)\` is synchronous and took 5,718 ms here. The budget pre-check
   of the first call to an \`openai/*\` model runs it, so that call (and every other call in flight, every timer)
   stalls: with \`deadlineMs: 2000\` the first \`cloud_only\` call fails with \`Timeout\` after 5.3 s instead of
   answering. Repro: \`node -e 'import("js-tiktoken/lite").then(async (l) => { const r = await import("js-tiktoken/ranks/o200k_base"); const t = performance.now(); new l.Tiktoken(r.default); console.log(performance.now() - t) })'\` in apps/proving-ground (5,718 ms here; under vitest's transform it was ~1.9 s, so it is not pinned as a test: it would be a timed assertion). The proving ground warms it up before the matrix.
2. **\`ensemble(…, { samples: 0 })\` is accepted** (core, \`ModelOrchestrator.ts\` ensemble options): it calls the
   models instead of failing with InvalidRequest. See the bad-input table.
3. **An explicit unknown model is sent to the service** (\`complete(p, { model: "openai/gpt-9-ultra" })\` and even
   \`{ model: "nonsense" }\`): the orchestrator does not check the id against the catalog, so a real service's 404 is
   the only guard (the cost is then recorded as unknown, with a warning on the log).
4. **No context-window pre-check**: a 1,000,000-character prompt to \`cloud_only\` is sent (the substrate accepts it;
   OpenAI would answer 400 \`context_length_exceeded\`, which the provider maps to ContextLengthExceeded).
5. **A refused Anthropic server under \`cloud_only\` gives ModelNotFound**, not Unavailable: the catalog cannot list
   the model, so the route finds none (see the fault table, "connection refused × anthropic").
`
