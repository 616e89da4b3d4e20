/** The bugs and gaps the proving ground found in the packages it exercises, as written into the two reports. */

/** Markdown for RELIABILITY.md: each finding with its file, symptom and repro. */
export const findings = `
1. **First OpenAI-priced call blocks the event loop for seconds** — \`packages/cost-tracker/src/TokenEstimate.ts\`
   (\`encoder()\`): \`new Tiktoken(o200k_base ranks)\` is synchronous and took 5,718 ms here in plain Node. The
   budget pre-check of the first call to an \`openai/*\` model runs it, so that call (and every other call in flight,
   every timer) stalls: with \`deadlineMs: 2000\` the first \`cloud_only\` call failed with \`Timeout\` after 5.3 s
   instead of answering. Repro (in apps/proving-ground): \`node -e 'import("js-tiktoken/lite").then(async (l) => {
   const r = await import("js-tiktoken/ranks/o200k_base"); const t = performance.now(); new l.Tiktoken(r.default);
   console.log(performance.now() - t) })'\`. Under vitest's transform it took ~1.9 s, so it is not pinned as a test
   (it would be a timed assertion). The proving ground pays it once before the matrix.
2. **\`ensemble(…, { samples: 0 })\` is accepted** (core \`ModelOrchestrator.ts\`, ensemble options): it calls the
   models instead of failing with InvalidRequest (bad-input table; \`it.fails\` in test/bad-input.test.ts).
3. **An explicit unknown model is sent to the service** (\`complete(p, { model: "openai/gpt-9-ultra" })\`, even
   \`{ model: "nonsense" }\`): the id is not checked against the catalog, so a real service's 404 is the only guard
   (the cost is then recorded as unknown, with a warning on the log).
4. **No context-window pre-check**: a 1,000,000-character prompt to \`cloud_only\` is sent (the substrate accepts it;
   OpenAI would answer 400 \`context_length_exceeded\`, which the provider maps to ContextLengthExceeded).
5. **A refused server under an \`*_only\` strategy gives ModelNotFound**, not Unavailable (every format): the catalog
   cannot list the model, so the route finds none and reports the model missing; the user needs "start the server",
   not "pull the model" (core \`ModelCatalog.ts\` / route resolution). \`it.fails\` in test/faults.test.ts.
6. **A stalled cloud model eats the whole deadline under CLOUD_FIRST, and a stalled local model under CASCADE**:
   only LOCAL_FIRST has a first-token limit, so \`cloud_first\` with a cloud server that sends headers and then
   nothing never reaches the healthy local model (Timeout at the 1.5 s deadline; fault table, "stall"). A
   first-token limit on the first stage of every fallback strategy would fix it (strategies \`NamedStrategy.ts\`).
7. **The hard budget under concurrency reserves the worst case**: calls without \`maxTokens\` reserve the model's
   maximum output, so 200 concurrent reservations stopped almost every call while the ledger showed under 2% of the
   budget spent (first run: 116 answered, 9,884 BudgetExceeded, 0.00046 of 0.025 USD). The load part now sends
   \`maxTokens: 16\`. The budget never overshoots; it undershoots badly.
8. **1,000 concurrent streams**: time to first token through @orch was seconds above the SDK's at the same load
   (see Load); the per-call CPU cost (BENCHMARKS.md, in-process overhead) multiplied by queueing on 2 cores.

9. **Heap after the 10,000-request load did not return within 10%** (+18.6% after dispose and forced GC, second
   run; +4.8% in a run where the budget stopped most calls early): growth scales with calls answered, so something
   per call outlives \`dispose()\` (not located in the time box).

Not bugs: slow-drip cells that end in Timeout are streams whose SSE body (about 1.4 KB at 1 ms per byte) is longer
than the cells' 1.5 s deadline, so Timeout is the right end; the matrix counts them as failed because slow drip is
listed as survivable.
`

/** Markdown for BENCHMARKS.md: why the targets were missed. */
export const benchNotes = `
## Notes on the misses

- The in-process overhead is the root: about 170 µs at p50 and milliseconds at p99 per \`complete\` (routing, the
  strategy fibers, the budget reservation, the ledger write, the ManagedRuntime Promise bridge), against an
  in-memory model that answers in under 1 µs. On a 2-core machine shared with the loopback server and the SDK side,
  that CPU time is taken from the server, so the HTTP throughput ratio falls to about 0.5-0.6 and the latency added
  at concurrency 64 is queueing of that cost. Both sides use the same server with keep-alive connections.
- The embedded ratio varies between runs (0.87 in the first full run, 0.998 in the next): on a 260K-parameter
  model the work per token is microseconds, so the provider's per-call work and machine noise decide it.
- Hedging in real time misses 5x because timer lag on a shared 2-core machine widens the 5 ms model's own p99; the
  TestClock run of the same strategy shows the cut the strategy makes.
`
