/**
 * The eight kinds of task a prompt can be, as a string "enum" (a const object plus its value type, since the
 * workspace compiles with `erasableSyntaxOnly`), and a forgiving parser for names read from config or a model.
 */

/** The task types. Values are the names lowercased: `TaskType.CODE_GENERATION === "code_generation"`. */
export const TaskType = {
  CODE_GENERATION: "code_generation",
  CODE_REVIEW: "code_review",
  REASONING: "reasoning",
  SUMMARIZATION: "summarization",
  ERROR_DIAGNOSIS: "error_diagnosis",
  DATA_INTERPRETATION: "data_interpretation",
  WORKFLOW_GENERATION: "workflow_generation",
  GENERAL: "general"
} as const

/** One task type value, e.g. `"code_review"`. */
export type TaskType = (typeof TaskType)[keyof typeof TaskType]

/**
 * Every task type, in the fixed order used for ties: when two types score the same, the one listed first wins
 * (the more specific kinds come before the broad ones, `general` last).
 */
export const taskTypes: ReadonlyArray<TaskType> = [
  TaskType.ERROR_DIAGNOSIS,
  TaskType.WORKFLOW_GENERATION,
  TaskType.CODE_REVIEW,
  TaskType.SUMMARIZATION,
  TaskType.DATA_INTERPRETATION,
  TaskType.CODE_GENERATION,
  TaskType.REASONING,
  TaskType.GENERAL
]

const byNormalisedName = new Map<string, TaskType>(
  taskTypes.flatMap((type) => [[type, type], [type.replace("_", ""), type]] as const)
)

/**
 * Read a task type from any spelling: `"CODE_GENERATION"`, `"code_generation"`, `"Code Generation"`,
 * `"code-generation"` or `"codegeneration"`. Returns `undefined` for anything else.
 */
export const parseTaskType = (input: string): TaskType | undefined => {
  const exact = byNormalisedName.get(input)
  if (exact !== undefined) return exact
  const normalised = input.trim().toLowerCase().replace(/[\s-]+/g, "_")
  return byNormalisedName.get(normalised) ?? byNormalisedName.get(normalised.replace(/_/g, ""))
}

/** Whether a string is exactly a task type value. */
export const isTaskType = (input: unknown): input is TaskType =>
  typeof input === "string" && (taskTypes as ReadonlyArray<string>).includes(input)

/** A task type as words for people: `"code generation"`. */
export const describeTaskType = (type: TaskType): string => type.replace("_", " ")
