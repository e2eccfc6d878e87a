/** Cairn's heap state backend: {@link dev.cairn.state.heap.HeapStateBackend}. */
module dev.cairn.state.heap {
  requires transitive dev.cairn.state;

  exports dev.cairn.state.heap;
}
