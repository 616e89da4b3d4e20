/**
 * Request ids: every request the gateway answers gets one, told to the client (`x-orch-request-id`, the completion's
 * `chatcmpl-<id>`) and written to the ledger. They are valid version 4 UUIDs, unique across gateways and restarts:
 * a random prefix drawn once per gateway (74 random bits) and a counter in the last twelve hex digits. Making one
 * costs a counter step and two short strings, not a random draw serialised digit by digit. They are not secrets:
 * nothing is authorised by knowing one.
 */
import { randomUUID } from "node:crypto"

/** The counter's range: twelve hex digits. Past it, a new prefix is drawn. */
const counterLimit = 2 ** 48
const zeros = "000000000000"

/** A source of request ids, for one gateway. */
export const makeRequestIds = (): (() => string) => {
  let prefix = ""
  let counter = counterLimit
  return () => {
    if (counter >= counterLimit) {
      // "xxxxxxxx-xxxx-4xxx-yxxx-": the version and variant digits of a random UUID, kept.
      prefix = randomUUID().slice(0, 24)
      counter = 0
    }
    const digits = (counter++).toString(16)
    return prefix + zeros.slice(digits.length) + digits
  }
}
