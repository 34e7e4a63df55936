/**
 * A process-wide on/off switch, on by default, kept on a global symbol: `@infomax/core` and
 * `@infomax/core/node` are separate bundles, each with its own copy of every module, and a
 * switch set through one must hold for the other.
 */
export interface ProcessSwitch {
  on(): boolean;
  set(on: boolean): void;
}

export function processSwitch(key: string): ProcessSwitch {
  const symbol = Symbol.for(key);
  const holder = globalThis as { [key: symbol]: boolean | undefined };
  return {
    on: () => holder[symbol] !== false,
    set: (on) => {
      holder[symbol] = on;
    },
  };
}
