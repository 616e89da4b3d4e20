/** The orch command: @orch orchestrating real models */
export {}
