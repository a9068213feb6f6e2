/**
 * The few WebAssembly globals the QuickJS host uses. Node has them at run time, but
 * `@types/node` 20 does not declare them and the DOM library would bring in the browser.
 */
declare global {
  namespace WebAssembly {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- an opaque compiled module
    interface Module {}
    interface Memory {
      readonly buffer: ArrayBuffer
      grow (deltaPages: number): number
    }
    const Memory: { new (descriptor: { initial: number, maximum?: number }): Memory }
    function compile (bytes: Uint8Array): Promise<Module>
  }
}

export {}
