/** @orch task router: classify a prompt by task type and route it */
export {}
