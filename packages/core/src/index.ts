/** @orch core: the ModelOrchestrator (complete, stream, ensemble, delegate) */
export {}
