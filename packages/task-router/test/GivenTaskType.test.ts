import { describe, expect, it } from "@effect/vitest"
import { isProviderError } from "@orch/provider"
import { Effect, Exit } from "effect"
import { givenTaskType, TaskRouter, taskTypes } from "../src/index.ts"

describe("a task type the caller gives", () => {
  it("is taken as certain in any spelling, every other type at zero", () => {
    for (const spelling of ["CODE_REVIEW", "code_review", "Code Review", "code-review", "codereview"]) {
      const classification = Effect.runSync(givenTaskType(spelling))
      expect(classification).toMatchObject({ taskType: "code_review", confidence: 1, classifiedBy: "given", signals: [] })
      expect(Object.keys(classification.scores).sort()).toEqual([...taskTypes].sort())
      expect(Object.entries(classification.scores).filter(([, score]) => score > 0)).toEqual([["code_review", 1]])
    }
  })

  it("is refused with InvalidRequest naming the types when it is not one, through the service too", () => {
    const check = (exit: Exit.Exit<unknown, unknown>) => {
      expect(Exit.isFailure(exit)).toBe(true)
      const error = Exit.isFailure(exit) ? exit.cause.reasons[0] : undefined
      const failure = error !== undefined && "error" in error ? error.error : undefined
      const issue = isProviderError(failure) && failure.reason._tag === "InvalidRequest" ? failure.reason.issues[0] : undefined
      expect(issue).toMatch(/^unknown task type "constructor": use one of /)
      for (const type of taskTypes) expect(issue).toContain(type)
    }
    check(Effect.runSyncExit(givenTaskType("constructor")))
    check(Effect.runSyncExit(Effect.flatMap(Effect.service(TaskRouter), (router) => router.given("constructor")).pipe(Effect.provide(TaskRouter.layer()))))
  })
})
