import type { CxApi } from './cxApi'

/**
 * The ScriptForge endpoints the deploy tools use, typed: apps, the files of an app, the app's
 * environment variables, and the run URL. Ids are compared as text: the API may give numbers
 * where `.env` holds strings (a `cx` pitfall).
 */

/** A ScriptForge app (`GET setup/app`). */
export interface RemoteApp {
  id: number | string
  name: string
}

/** A ScriptForge file; `code` only when read one by one. */
export interface RemoteFile {
  id: number | string
  name: string
  app_id: number | string
  type?: string
  code?: string
}

/** An environment variable of an app (`GET setup/var`). */
export interface RemoteVar {
  id: number | string
  key: string
  value: string
  app_id?: number | string
}

/** File types the deploy may overwrite: the current engine's. */
export const DEPLOYABLE_TYPES = ['quickjs', 'debug']

const seg = (value: string | number): string => encodeURIComponent(String(value))

/** Lists from the API may arrive wrapped; always an array. */
function list<T> (value: unknown): T[] {
  if (Array.isArray(value)) return value as T[]
  const inner = (value as { data?: unknown } | null)?.data
  return Array.isArray(inner) ? inner as T[] : []
}

/** The account's apps. */
export async function listApps (api: CxApi): Promise<RemoteApp[]> {
  return list<RemoteApp>(await api.get('setup/app'))
}

/** The app an `--app` value or `APP_ID` names: its id, else its name (exact, then ignoring case). */
export function findApp (apps: RemoteApp[], ref: string): RemoteApp | undefined {
  return apps.find(a => String(a.id) === ref) ?? apps.find(a => a.name === ref) ?? apps.find(a => a.name.toLowerCase() === ref.toLowerCase())
}

/** The files of one app, without code. */
export async function listFiles (api: CxApi, appId: string): Promise<RemoteFile[]> {
  return list<RemoteFile>(await api.get('scriptforge')).filter(f => String(f.app_id) === appId)
}

/** One file with its code. */
export async function getFile (api: CxApi, id: string | number): Promise<RemoteFile> {
  const answer = await api.get<RemoteFile | RemoteFile[]>(`scriptforge/${seg(id)}`)
  return Array.isArray(answer) ? answer[0]! : answer
}

/** Creates a file of the current engine; the answer's id when it gives one. */
export async function createFile (api: CxApi, appId: string, name: string, code: string): Promise<string | undefined> {
  const answer = await api.post<{ id?: unknown }>('scriptforge', { name, code, app_id: appId, type: 'quickjs' })
  return answer.id === undefined || answer.id === null ? undefined : String(answer.id)
}

/** Replaces a file's code, keeping its app. */
export async function updateFile (api: CxApi, file: RemoteFile, code: string): Promise<void> {
  await api.put(`scriptforge/${seg(file.id)}`, { name: file.name, code, app_id: file.app_id })
}

/** The app's environment variables. */
export async function listVars (api: CxApi, appId: string): Promise<RemoteVar[]> {
  return list<RemoteVar>(await api.get(`setup/var?app_id=${seg(appId)}`)).filter(v => v.app_id === undefined || String(v.app_id) === appId)
}

/** Creates a variable. */
export async function createVar (api: CxApi, appId: string, key: string, value: string): Promise<void> {
  await api.post('setup/var', { key, value, app_id: appId })
}

/** Changes a variable's value. */
export async function updateVar (api: CxApi, appId: string, variable: RemoteVar, value: string): Promise<void> {
  await api.put(`setup/var/${seg(variable.id)}`, { key: variable.key, value, app_id: appId })
}

/** Deletes a variable. */
export async function deleteVar (api: CxApi, variable: RemoteVar): Promise<void> {
  await api.delete(`setup/var/${seg(variable.id)}`)
}

/** The path that runs a file's function: `scriptforge/<app>/<file>[/<fn>]`, as `cx run` calls it. */
export function runPath (appId: string, file: string, fn?: string): string {
  return `scriptforge/${seg(appId)}/${seg(file)}${fn === undefined ? '' : `/${seg(fn)}`}`
}

/** The MCP endpoint of a deployed file, the form MCP clients are given: `scriptforge/<id>/run`. */
export function mcpEndpoint (baseUrl: string, fileId: string | number): string {
  return `${baseUrl}scriptforge/${seg(fileId)}/run`
}
