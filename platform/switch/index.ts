import type { ApiBackend } from '../backend'
import { createApi } from './api'
import { generateDataset, type Dataset } from './dataset'

/** Options of the simulated switch. */
export interface SwitchOptions {
  /** Seed of the generated data (default 1). */
  seed?: number
  /** The switch's clock, unix milliseconds (default: now). */
  nowMs?: number
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
  const data = generateDataset(options.seed ?? DEFAULT_SEED, options.nowMs ?? Date.now())
  return { data, api: createApi(data) }
}
