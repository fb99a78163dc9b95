import { useSyncExternalStore } from "react";

const neverChanges = () => () => {};

/**
 * False in the server's HTML and until React has attached its handlers in the browser.
 * Controls that act on change or click are disabled until then (every Button does this
 * itself; fields use a disabled fieldset), so a choice made while the page's script is still
 * loading is not silently dropped.
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    neverChanges,
    () => true,
    () => false,
  );
}
