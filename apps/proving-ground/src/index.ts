/** A proving ground: faults, load and benchmarks that show @orch keeps its promises */
export {}
