/** What `call` throws, or `undefined` when it returns: for asserting on an error's code and details. */
export function thrownBy(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  return undefined;
}
