// The part of the WebAssembly JS API that pmta-acct uses. TypeScript ships these declarations only
// in lib.dom, and @types/node 20 has none; this keeps the project free of DOM types.
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Memory {
    readonly buffer: ArrayBuffer;
    grow(pages: number): number;
  }
  class Global {
    value: unknown;
  }
  class Instance {
    constructor(module: Module, imports: Record<string, never>);
    readonly exports: Record<string, unknown>;
  }
}
