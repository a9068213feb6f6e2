import type { ApiBackend } from '../backend'
import { createApi } from './api'
import { generateDataset } from './dataset'
import type { Dataset } from './model'
import { SCENARIO_IDS } from './scenarios'

/** Options of the simulated switch. */
export interface SwitchOptions {
  /** Seed of the generated data (default 1). */
  seed?: number
  /** The switch's clock, unix milliseconds (default: now). */
  nowMs?: number
  /** Scenario ids to place (default: all of them). */
  scenarios?: readonly string[]
}

/** A simulated ConnexCS account and its REST API. */
export interface SimulatedSwitch {
  data: Dataset
  api: ApiBackend
}

/** Default seed: the data a newcomer sees on `npm start`. */
export const DEFAULT_SEED = 1

/** Generates the account and serves its API. */
export function createSwitch (options: SwitchOptions = {}): SimulatedSwitch {
  const data = generateDataset(options.seed ?? DEFAULT_SEED, options.nowMs ?? Date.now(), options.scenarios ?? SCENARIO_IDS)
  return { data, api: createApi(data) }
}

export { ENDPOINTS } from './api'
export { SCENARIO_IDS } from './scenarios'
export type { Dataset, ScenarioEntry, SimCall } from './model'
